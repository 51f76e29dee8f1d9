using System.Management.Automation;

namespace ShowcaseOps.Cmdlets;

/// <summary>
/// Refuses control characters (CR, LF, NUL, …) and surrounding whitespace in a credential input: such text would end
/// up in an HTTP header (the access key and session token are sent in Authorization and X-Amz-Security-Token).
/// </summary>
public sealed class ValidateCredentialTextAttribute : ValidateArgumentsAttribute
{
    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        var text = (arguments is PSObject wrapped ? wrapped.BaseObject : arguments) as string;
        if (text is null)
        {
            return;
        }

        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsControl(text[i]))
            {
                throw new ValidationMetadataException($"The value has a control character (U+{(int)text[i]:X4}) at position {i}; credentials and profile names cannot hold CR, LF or other control characters.");
            }
        }

        if (text.Trim().Length != text.Length)
        {
            throw new ValidationMetadataException("The value starts or ends with whitespace; remove it.");
        }
    }
}

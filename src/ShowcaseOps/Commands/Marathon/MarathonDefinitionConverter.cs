using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;

namespace ShowcaseOps.Commands.Marathon;

/// <summary>
/// Turns a PowerShell hashtable (nested hashtables, arrays, PSCustomObjects, numbers, strings, booleans) into plain
/// .NET values (dictionaries, lists, primitives) that the engine serializes as JSON.
/// </summary>
internal static class MarathonDefinitionConverter
{
    private const int MaxDepth = 32;

    public static IDictionary<string, object?> ToValues(IDictionary definition) => (IDictionary<string, object?>)Convert(definition, "", 0)!;

    private static object? Convert(object? value, string path, int depth)
    {
        if (depth > MaxDepth)
        {
            throw new ArgumentException($"The definition nests deeper than {MaxDepth.ToString(CultureInfo.InvariantCulture)} levels at '{path}'.");
        }

        value = value is PSObject wrapped && wrapped.BaseObject is not PSCustomObject ? wrapped.BaseObject : value;
        switch (value)
        {
            case null:
                return null;
            case string or bool or DateTime or DateTimeOffset:
                return value;
            case char c:
                return c.ToString();
            case Guid g:
                return g.ToString();
            case sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal:
                return value;
            case Enum e:
                return e.ToString();
            case IDictionary dictionary:
                var obj = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (DictionaryEntry entry in dictionary)
                {
                    var key = entry.Key is PSObject k ? k.BaseObject?.ToString() : entry.Key?.ToString();
                    obj[key ?? string.Empty] = Convert(entry.Value, path + "/" + key, depth + 1);
                }

                return obj;
            case PSObject custom:
                var fromProperties = new Dictionary<string, object?>(StringComparer.Ordinal);
                foreach (var property in custom.Properties)
                {
                    if (property.IsGettable)
                    {
                        fromProperties[property.Name] = Convert(property.Value, path + "/" + property.Name, depth + 1);
                    }
                }

                return fromProperties;
            case IEnumerable sequence:
                var array = new List<object?>();
                var index = 0;
                foreach (var item in sequence)
                {
                    array.Add(Convert(item, path + "/" + index.ToString(CultureInfo.InvariantCulture), depth + 1));
                    index++;
                }

                return array;
            default:
                throw new ArgumentException($"The definition holds a {value.GetType().Name} at '{(path.Length == 0 ? "/" : path)}', which has no JSON form; use hashtables, arrays, strings, numbers and booleans.");
        }
    }
}

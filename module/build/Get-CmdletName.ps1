<#
.SYNOPSIS
    Lists Verb-Noun of every [Cmdlet] class in an assembly, read from its metadata (System.Reflection.Metadata), so the
    build neither loads the assembly into its own session nor needs its dependencies.
#>
param([Parameter(Mandatory)] [string] $Path)
$ErrorActionPreference = 'Stop'
$stream = [System.IO.File]::OpenRead($Path)
try {
    $pe = [System.Reflection.PortableExecutable.PEReader]::new($stream)
    $md = [System.Reflection.Metadata.PEReaderExtensions]::GetMetadataReader($pe)
    foreach ($typeHandle in $md.TypeDefinitions) {
        $type = $md.GetTypeDefinition($typeHandle)
        foreach ($attributeHandle in $type.GetCustomAttributes()) {
            $attribute = $md.GetCustomAttribute($attributeHandle)
            if ($attribute.Constructor.Kind -ne [System.Reflection.Metadata.HandleKind]::MemberReference) { continue }
            $ctor = $md.GetMemberReference([System.Reflection.Metadata.MemberReferenceHandle] $attribute.Constructor)
            if ($ctor.Parent.Kind -ne [System.Reflection.Metadata.HandleKind]::TypeReference) { continue }
            $attributeType = $md.GetTypeReference([System.Reflection.Metadata.TypeReferenceHandle] $ctor.Parent)
            if ($md.GetString($attributeType.Name) -ne 'CmdletAttribute') { continue }
            # The blob: prolog (2 bytes), then two SerString arguments (verb, noun).
            $blob = $md.GetBlobReader($attribute.Value)
            $null = $blob.ReadUInt16()
            $verb = $blob.ReadSerializedString()
            $noun = $blob.ReadSerializedString()
            '{0}-{1}' -f $verb, $noun
        }
    }
}
finally { $stream.Dispose() }

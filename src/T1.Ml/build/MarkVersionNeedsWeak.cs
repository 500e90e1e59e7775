// MSBuild inline task (RoslynCodeTaskFactory, see TorchNative.targets); not part of T1.Ml.dll.
// Marks named version requirements (Vernaux entries of .gnu.version_r) weak in ELF64 little-endian
// shared libraries, writing the result to a fresh file renamed over the original path, so a hard
// link into the NuGet cache is broken rather than written through.
using System;
using System.IO;
using System.Linq;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

public class T1MarkVersionNeedsWeak : Task
{
    [Required] public ITaskItem[] Files { get; set; } = Array.Empty<ITaskItem>();
    [Required] public string VersionNames { get; set; } = "";

    const uint ShtGnuVerneed = 0x6ffffffe;
    const ushort VerFlgWeak = 0x2;

    public override bool Execute()
    {
        var names = VersionNames.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries)
            .Select(n => n.Trim()).ToArray();
        foreach (var item in Files)
        {
            var path = item.GetMetadata("FullPath");
            try { PatchOne(path, names); }
            catch (Exception e) when (e is IOException || e is InvalidDataException || e is UnauthorizedAccessException)
            {
                Log.LogError("T1: could not mark {0} weak in {1}: {2}. Delete the file and rebuild.",
                    VersionNames, path, e.Message);
            }
        }
        return !Log.HasLoggedErrors;
    }

    void PatchOne(string path, string[] names)
    {
        byte[] elf = File.ReadAllBytes(path);
        int changed = 0, alreadyWeak = 0;
        foreach (int flagsAt in FindVernauxFlags(elf, names))
        {
            ushort flags = BitConverter.ToUInt16(elf, flagsAt);
            if ((flags & VerFlgWeak) != 0) { alreadyWeak++; continue; }
            flags |= VerFlgWeak;
            elf[flagsAt] = (byte)(flags & 0xff);
            elf[flagsAt + 1] = (byte)(flags >> 8);
            changed++;
        }
        if (changed == 0)
        {
            Log.LogMessage(MessageImportance.Low, "T1: {0}: nothing to patch ({1} already weak).", path, alreadyWeak);
            return;
        }
        var stamp = File.GetLastWriteTimeUtc(path);
        var tmp = path + ".t1-patch-" + Guid.NewGuid().ToString("N");
        try
        {
            File.WriteAllBytes(tmp, elf);
            File.SetLastWriteTimeUtc(tmp, stamp);
            // rename(2) replaces the directory entry; the old inode (possibly the NuGet cache file) is untouched.
            File.Replace(tmp, path, null);
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
        Log.LogMessage(MessageImportance.Normal, "T1: marked {0} version need(s) weak in {1}.", changed, path);
    }

    static System.Collections.Generic.List<int> FindVernauxFlags(byte[] b, string[] names)
    {
        var found = new System.Collections.Generic.List<int>();
        if (b.Length < 64 || b[0] != 0x7f || b[1] != (byte)'E' || b[2] != (byte)'L' || b[3] != (byte)'F')
            throw new InvalidDataException("not an ELF file");
        if (b[4] != 2 || b[5] != 1)
            throw new InvalidDataException("not ELF64 little-endian");
        long shoff = BitConverter.ToInt64(b, 0x28);
        int shentsize = BitConverter.ToUInt16(b, 0x3A);
        int shnum = BitConverter.ToUInt16(b, 0x3C);
        if (shoff <= 0 || shentsize < 64 || shoff + (long)shentsize * shnum > b.Length)
            throw new InvalidDataException("section header table out of range");
        for (int i = 0; i < shnum; i++)
        {
            long sh = shoff + (long)i * shentsize;
            if (BitConverter.ToUInt32(b, (int)sh + 4) != ShtGnuVerneed) continue;
            long off = BitConverter.ToInt64(b, (int)sh + 0x18);
            long size = BitConverter.ToInt64(b, (int)sh + 0x20);
            int link = (int)BitConverter.ToUInt32(b, (int)sh + 0x28);
            int count = (int)BitConverter.ToUInt32(b, (int)sh + 0x2C);
            if (link >= shnum || off < 0 || off + size > b.Length)
                throw new InvalidDataException("bad .gnu.version_r section");
            long strSh = shoff + (long)link * shentsize;
            long strOff = BitConverter.ToInt64(b, (int)strSh + 0x18);
            long strSize = BitConverter.ToInt64(b, (int)strSh + 0x20);
            long vn = off;
            for (int n = 0; n < count; n++)
            {
                if (vn + 16 > off + size) throw new InvalidDataException("Verneed entry out of range");
                int cnt = BitConverter.ToUInt16(b, (int)vn + 2);
                long aux = vn + BitConverter.ToUInt32(b, (int)vn + 8);
                for (int a = 0; a < cnt; a++)
                {
                    if (aux + 16 > off + size) throw new InvalidDataException("Vernaux entry out of range");
                    uint nameOff = BitConverter.ToUInt32(b, (int)aux + 8);
                    if (nameOff < strSize && names.Contains(CString(b, strOff + nameOff, strOff + strSize)))
                        found.Add((int)aux + 4);
                    uint next = BitConverter.ToUInt32(b, (int)aux + 12);
                    if (next == 0) break;
                    aux += next;
                }
                uint vnNext = BitConverter.ToUInt32(b, (int)vn + 12);
                if (vnNext == 0) break;
                vn += vnNext;
            }
        }
        return found;
    }

    static string CString(byte[] b, long start, long limit)
    {
        long end = start;
        while (end < limit && b[end] != 0) end++;
        return Encoding.ASCII.GetString(b, (int)start, (int)(end - start));
    }
}

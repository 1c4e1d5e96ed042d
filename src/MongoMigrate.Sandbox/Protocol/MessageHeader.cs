using System.Buffers.Binary;

namespace MongoMigrate.Sandbox.Protocol;

/// <summary>The 16-byte header in front of every wire protocol message.</summary>
internal readonly record struct MessageHeader(int MessageLength, int RequestId, int ResponseTo, OpCode OpCode)
{
    public const int Size = 16;

    public static MessageHeader Read(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadInt32LittleEndian(bytes),
        BinaryPrimitives.ReadInt32LittleEndian(bytes[4..]),
        BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]),
        (OpCode)BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]));

    public void Write(Span<byte> bytes)
    {
        BinaryPrimitives.WriteInt32LittleEndian(bytes, MessageLength);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[4..], RequestId);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[8..], ResponseTo);
        BinaryPrimitives.WriteInt32LittleEndian(bytes[12..], (int)OpCode);
    }
}

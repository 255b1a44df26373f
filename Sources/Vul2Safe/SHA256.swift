// SHA-256 over bytes: the response-cache key and the stable split hash (swift-crypto's digest).
import Crypto

/// SHA-256 digests for content addressing. The digest is not used for security, only for stable names and
/// splits; swift-crypto provides it (it is already in the build under the HTTP stack).
public enum SHA256Digest {
    /// The 32-byte digest of `bytes`.
    public static func hash<S: Sequence>(_ bytes: S) -> [UInt8] where S.Element == UInt8 {
        Array(Crypto.SHA256.hash(data: Array(bytes)))
    }

    /// Lower-case hex digest of a string's UTF-8 bytes.
    public static func hex(_ string: String) -> String { hex(bytes: string.utf8) }

    /// Lower-case hex digest of `bytes` (a file's contents, for `sha256sum`-style lines).
    public static func hex<S: Sequence>(bytes: S) -> String where S.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in hash(bytes) { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

// SHA-256 for verifying downloaded model files: swift-crypto's, with the two conveniences the callers use.
//
// swift-crypto is already part of the build (swift-certificates and swift-nio-extras, under the HTTP stack,
// depend on it), so using it costs no extra compile, and its SHA-256 is the audited one.
import Crypto
import Foundation

/// Incremental SHA-256 (swift-crypto's).
///
/// ```swift
/// var h = SHA256()
/// h.update(bytes)
/// let hex = h.finalize().hex
/// ```
public typealias SHA256 = Crypto.SHA256

extension Crypto.SHA256 {
    /// Feeds raw bytes (a mapped file region).
    public mutating func update(_ bytes: UnsafeRawBufferPointer) { update(bufferPointer: bytes) }

    /// Feeds a byte collection (`[UInt8]`, a slice, `Data`).
    public mutating func update<D: DataProtocol>(_ data: D) { update(data: data) }

    /// One-shot lower-case hex digest.
    public static func hex(_ data: UnsafeRawBufferPointer) -> String {
        var s = SHA256()
        s.update(bufferPointer: data)
        return s.finalize().hex
    }
}

extension Crypto.SHA256.Digest {
    /// Lower-case hex, as `sha256sum` prints it.
    public var hex: String { Array(self).hex }
}

extension Array where Element == UInt8 {
    /// Lowercase hex.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for b in self { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

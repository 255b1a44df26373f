// POST /v1/rewards bodies → validated items; a malformed item becomes an item error, not a batch error.
import Foundation
import Rewards
import SRCodeData

/// Limits of `srcode reward serve`. Beyond them a request gets a 4xx JSON error naming the limit,
/// or (per item) an item error, never a crash.
public struct RewardServerLimits: Sendable {
    /// Largest accepted request body (413 above). A batch of 256 responses of 1,000 tokens with
    /// offsets is about 6 MiB of JSON.
    public var maxBodyBytes = 32 << 20
    /// Items per request (413 above).
    public var maxBatchItems = 1024
    /// Longest response in UTF-8 bytes (an item error above): the oracle is linear, but a runaway
    /// rollout should not hold a core.
    public var maxResponseBytes = 256 << 10
    /// Most tokens (offset pairs) per item.
    public var maxTokens = 32768
    /// Seconds a request may take; items not scored by then answer `deadline_exceeded`.
    public var deadlineSeconds = 60.0
    public init() {}
}

/// A JSON error answered as `{"error": {"code", "message"}}` with an HTTP status.
public struct RewardAPIError: Error, Sendable {
    public var status: Int
    public var code: String
    public var message: String
    public init(_ status: Int, _ code: String, _ message: String) { self.status = status; self.code = code; self.message = message }
    var json: [String: Any] { ["error": ["code": code, "message": message]] }
}

/// One item of a rewards request, after validation.
struct RewardItem: Sendable {
    var id: String?
    var response: String
    var offsets: [(Int, Int)]
    var unit: TokenAlignment.Unit
    var reference: RewardReference?
}

/// A parsed `POST /v1/rewards` body.
///
/// ```json
/// {"items": [{"id": "r0", "prompt": "...", "response": "...", "offsets": [[0, 3], [3, 7]],
///             "offset_unit": "char", "record_id": "pv-123", "reference": {"secure_code": "...", ...}}]}
/// ```
struct RewardRequest {
    /// Per position: the item, or why it was rejected (`items[i].field: reason`).
    var items: [Result<RewardItem, RewardAPIError>]

    init(body: Data, limits: RewardServerLimits, references: ReferenceStore) throws {
        guard let obj = try? JSONSerialization.jsonObject(with: body), let o = obj as? [String: Any] else {
            throw RewardAPIError(400, "invalid_json", "request body is not a JSON object")
        }
        guard let raw = o["items"] as? [Any] else { throw RewardAPIError(400, "missing_items", "'items' (array) is required") }
        guard !raw.isEmpty else { throw RewardAPIError(400, "empty_batch", "'items' is empty") }
        guard raw.count <= limits.maxBatchItems else {
            throw RewardAPIError(413, "batch_too_large", "\(raw.count) items; the limit is \(limits.maxBatchItems) per request")
        }
        items = raw.enumerated().map { i, v in
            Result { try Self.item(v, at: i, limits: limits, references: references) }.mapError {
                $0 as? RewardAPIError ?? RewardAPIError(400, "invalid_item", "items[\(i)]: \($0)")
            }
        }
    }

    static func item(_ v: Any, at i: Int, limits: RewardServerLimits, references: ReferenceStore) throws -> RewardItem {
        func bad(_ code: String, _ why: String) -> RewardAPIError { RewardAPIError(400, code, "items[\(i)]\(why)") }
        guard let o = v as? [String: Any] else { throw bad("invalid_item", ": not an object") }
        guard let response = o["response"] as? String else { throw bad("invalid_item", ".response: a string is required") }
        let n = response.utf8.count
        guard n <= limits.maxResponseBytes else {
            throw bad("response_too_long", ".response: \(n) bytes; the limit is \(limits.maxResponseBytes)")
        }
        guard let rawOffsets = o["offsets"] as? [Any] else { throw bad("invalid_offsets", ".offsets: an array of [start, end] pairs is required") }
        guard rawOffsets.count <= limits.maxTokens else {
            throw bad("too_many_tokens", ".offsets: \(rawOffsets.count) tokens; the limit is \(limits.maxTokens)")
        }
        var offsets: [(Int, Int)] = []
        offsets.reserveCapacity(rawOffsets.count)
        for (k, p) in rawOffsets.enumerated() {
            guard let pair = p as? [Any], pair.count == 2, let s = integer(pair[0]), let e = integer(pair[1]) else {
                throw bad("invalid_offsets", ".offsets[\(k)]: not a pair of integers")
            }
            offsets.append((s, e))
        }
        let unitName = o["offset_unit"] as? String ?? "char"
        guard let unit = TokenAlignment.Unit(rawValue: unitName) else {
            throw bad("invalid_offset_unit", ".offset_unit: '\(unitName)' is not 'char' or 'byte'")
        }
        var reference: RewardReference?
        if let rid = o["record_id"], !(rid is NSNull) {
            guard let id = rid as? String else { throw bad("invalid_item", ".record_id: not a string") }
            guard let r = references.reference(id) else {
                throw bad("unknown_record", ".record_id: '\(id)' is not among the \(references.count) records loaded with --records")
            }
            reference = r
        }
        if let ref = o["reference"], !(ref is NSNull) {
            guard let data = try? JSONSerialization.data(withJSONObject: ref),
                  let r = try? JSONDecoder().decode(ReferenceRecord.self, from: data) else {
                throw bad("invalid_reference", ".reference: expected {cwes, secure_code, vulnerable_code, secure_spans, vulnerable_spans}")
            }
            reference = r.reference
        }
        return RewardItem(id: o["id"] as? String, response: response, offsets: offsets, unit: unit, reference: reference)
    }

    /// An integral JSON number (not a fraction).
    static func integer(_ v: Any) -> Int? {
        guard let n = v as? NSNumber else { return nil }
        let d = n.doubleValue
        guard d.isFinite, d == d.rounded(), abs(d) < 1e15 else { return nil }
        return Int(d)
    }
}

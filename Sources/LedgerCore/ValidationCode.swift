public import Contracts
public import LedgerPrimitives

/// The outcome of validating one transaction in a block.
public enum ValidationCode: Sendable, Hashable, CanonicalCodable, CustomStringConvertible {
    /// Applied: the contract accepted it.
    case valid
    /// The signature does not verify against the sender key.
    case badSignature
    /// The nonce was already used: a replay or a stale resend.
    case staleNonce(expected: UInt64)
    /// The nonce is ahead of the sender's next nonce.
    case futureNonce(expected: UInt64)
    /// Signature and nonce passed (the nonce advanced), but the contract refused the call.
    case contractError(ContractError)
    /// Execute-order-validate: a key the endorsers read has changed since (Fabric's MVCC_READ_CONFLICT).
    case mvccReadConflict
    /// Execute-order-validate: the valid endorsements do not satisfy the policy, or there are none.
    case endorsementPolicyFailure
    /// Execute-order-validate: a transaction with this id is already on the chain (or earlier in the block).
    case duplicateTxId

    public var isValid: Bool { self == .valid }

    /// A stable number for tables: 0 valid, 1 bad signature, 2 stale nonce, 3 future nonce,
    /// 4 MVCC read conflict, 5 endorsement policy failure, 6 duplicate transaction id, otherwise
    /// the contract error's code.
    public var code: UInt16 {
        switch self {
        case .valid: 0
        case .badSignature: 1
        case .staleNonce: 2
        case .futureNonce: 3
        case .mvccReadConflict: 4
        case .endorsementPolicyFailure: 5
        case .duplicateTxId: 6
        case .contractError(let error): error.rawValue
        }
    }

    public var description: String {
        switch self {
        case .valid: "valid"
        case .badSignature: "badSignature"
        case .staleNonce(let expected): "staleNonce(expected \(expected))"
        case .futureNonce(let expected): "futureNonce(expected \(expected))"
        case .mvccReadConflict: "mvccReadConflict"
        case .endorsementPolicyFailure: "endorsementPolicyFailure"
        case .duplicateTxId: "duplicateTxId"
        case .contractError(let error): "contractError(\(error.name))"
        }
    }

    public func encode(to writer: inout CanonicalWriter) {
        writer.write(code)
        switch self {
        case .staleNonce(let expected), .futureNonce(let expected): writer.write(expected)
        default: break
        }
    }

    public init(from reader: inout CanonicalReader) throws(CodecError) {
        let code = try reader.readUInt16("validationCode")
        switch code {
        case 0: self = .valid
        case 1: self = .badSignature
        case 2: self = .staleNonce(expected: try reader.readUInt64("validationCode.expected"))
        case 3: self = .futureNonce(expected: try reader.readUInt64("validationCode.expected"))
        case 4: self = .mvccReadConflict
        case 5: self = .endorsementPolicyFailure
        case 6: self = .duplicateTxId
        default:
            guard let error = ContractError(rawValue: code) else {
                throw .invalidValue(field: "validationCode", reason: "unknown code \(code)")
            }
            self = .contractError(error)
        }
    }
}

/// Why a contract refused a call; every refusal has its own stable numeric code.
public import LedgerPrimitives
public enum ContractError: UInt16, Error, Sendable, CaseIterable, CustomStringConvertible {
    // simple: 100...199
    case accountExists = 101
    case accountMissing = 102
    case insufficientFunds = 103
    case balanceOverflow = 104
    case invalidAccountName = 105

    // clinical: 200...299
    case notRegulator = 201
    case doctorAlreadyRegistered = 202
    case pharmacyAlreadyRegistered = 203
    case patientAlreadyRegistered = 204
    case patientNotRegistered = 205
    case notPatientController = 206
    case doctorNotRegistered = 207
    case pharmacyNotRegistered = 208
    case invalidPermissionWindow = 209
    case permissionMissing = 210
    case permissionNotYetValid = 211
    case permissionExpired = 212
    case permissionRevoked = 213
    case invalidDiseaseCode = 214
    case invalidDrugCode = 215
    case invalidDosage = 216
    case examDateInFuture = 217
    case treatmentNotFound = 218
    case treatmentOfAnotherPatient = 219
    case controlledDrugAlreadyDispensed = 220
    case invalidText = 221
    case roleConflict = 222

    // smallbank: 300...399
    case customerExists = 301
    case customerMissing = 302
    case smallbankBalanceOutOfRange = 303
    case invalidCustomer = 304
    case sameCustomer = 305

    // both: 900...999
    /// A call that changes state was sent where only a read-only call is allowed.
    case notReadOnly = 901

    public var description: String { "\(name) (\(rawValue))" }

    /// The case name, as reports spell it; spelled out so that renaming a case cannot change reports.
    public var name: String {
        switch self {
        case .accountExists: "accountExists"
        case .accountMissing: "accountMissing"
        case .insufficientFunds: "insufficientFunds"
        case .balanceOverflow: "balanceOverflow"
        case .invalidAccountName: "invalidAccountName"
        case .notRegulator: "notRegulator"
        case .doctorAlreadyRegistered: "doctorAlreadyRegistered"
        case .pharmacyAlreadyRegistered: "pharmacyAlreadyRegistered"
        case .patientAlreadyRegistered: "patientAlreadyRegistered"
        case .patientNotRegistered: "patientNotRegistered"
        case .notPatientController: "notPatientController"
        case .doctorNotRegistered: "doctorNotRegistered"
        case .pharmacyNotRegistered: "pharmacyNotRegistered"
        case .invalidPermissionWindow: "invalidPermissionWindow"
        case .permissionMissing: "permissionMissing"
        case .permissionNotYetValid: "permissionNotYetValid"
        case .permissionExpired: "permissionExpired"
        case .permissionRevoked: "permissionRevoked"
        case .invalidDiseaseCode: "invalidDiseaseCode"
        case .invalidDrugCode: "invalidDrugCode"
        case .invalidDosage: "invalidDosage"
        case .examDateInFuture: "examDateInFuture"
        case .treatmentNotFound: "treatmentNotFound"
        case .treatmentOfAnotherPatient: "treatmentOfAnotherPatient"
        case .controlledDrugAlreadyDispensed: "controlledDrugAlreadyDispensed"
        case .invalidText: "invalidText"
        case .roleConflict: "roleConflict"
        case .customerExists: "customerExists"
        case .customerMissing: "customerMissing"
        case .smallbankBalanceOutOfRange: "smallbankBalanceOutOfRange"
        case .invalidCustomer: "invalidCustomer"
        case .sameCustomer: "sameCustomer"
        case .notReadOnly: "notReadOnly"
        }
    }
}

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

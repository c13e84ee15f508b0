/// Why a contract refused a call; every refusal has its own stable numeric code.
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

/// What each transaction of a round does (Caliper's `workload {module, arguments}`).
public enum Workload: Sendable, Hashable, Encodable, CustomStringConvertible {
    /// `simple/open`: opens accounts with an initial balance.
    case simpleOpen(SimpleArguments)
    /// `simple/query`: reads an account's balance (never ordered).
    case simpleQuery(SimpleArguments)
    /// `simple/transfer`: moves money between accounts.
    case simpleTransfer(SimpleArguments)
    /// `clinical/register-treatment`: a permitted doctor records a treatment.
    case clinicalRegisterTreatment(patients: Int)
    /// `clinical/grant-permission`: a patient grants a doctor access.
    case clinicalGrantPermission(patients: Int)
    /// `clinical/read-records`: a doctor reads a patient's records (audited).
    case clinicalReadRecords(patients: Int)
    /// `clinical/dispense`: a pharmacy dispenses a controlled drug once.
    case clinicalDispense(patients: Int, pharmacies: Int)
    /// `clinical/mix`: the clinical operations drawn by weight.
    case clinicalMix(patients: Int, pharmacies: Int, weights: ClinicalMixWeights)
    /// `noop`: an empty transaction.
    case noop

    /// The module names accepted for `workload.module`.
    public static let moduleNames = [
        "simple/open", "simple/query", "simple/transfer",
        "clinical/register-treatment", "clinical/grant-permission", "clinical/read-records",
        "clinical/dispense", "clinical/mix", "noop",
    ]

    /// The default number of patients of the clinical modules.
    public static let defaultPatients = 100
    /// The default number of pharmacies of the clinical modules.
    public static let defaultPharmacies = 4

    /// The module name used in the file.
    public var module: String {
        switch self {
        case .simpleOpen: "simple/open"
        case .simpleQuery: "simple/query"
        case .simpleTransfer: "simple/transfer"
        case .clinicalRegisterTreatment: "clinical/register-treatment"
        case .clinicalGrantPermission: "clinical/grant-permission"
        case .clinicalReadRecords: "clinical/read-records"
        case .clinicalDispense: "clinical/dispense"
        case .clinicalMix: "clinical/mix"
        case .noop: "noop"
        }
    }

    /// The arguments in effect, as `key=value` pairs in the file's order.
    public var argumentPairs: [(key: String, value: String)] {
        switch self {
        case .simpleOpen(let arguments), .simpleQuery(let arguments), .simpleTransfer(let arguments):
            [("numberOfAccounts", "\(arguments.numberOfAccounts)"),
             ("initialMoney", "\(arguments.initialMoney)"),
             ("moneyToTransfer", "\(arguments.moneyToTransfer)")]
        case .clinicalRegisterTreatment(let patients), .clinicalGrantPermission(let patients),
             .clinicalReadRecords(let patients):
            [("patients", "\(patients)")]
        case .clinicalDispense(let patients, let pharmacies):
            [("patients", "\(patients)"), ("pharmacies", "\(pharmacies)")]
        case .clinicalMix(let patients, let pharmacies, let weights):
            [("patients", "\(patients)"), ("pharmacies", "\(pharmacies)"),
             ("weights", "registerTreatment \(RateControl.text(weights.registerTreatment)), "
                + "grantPermission \(RateControl.text(weights.grantPermission)), "
                + "readRecords \(RateControl.text(weights.readRecords)), "
                + "dispense \(RateControl.text(weights.dispense))")]
        case .noop:
            []
        }
    }

    /// The module and its arguments, e.g. `simple/open numberOfAccounts=1000 ...`.
    public var description: String {
        ([module] + argumentPairs.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
    }
}

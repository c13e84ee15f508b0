import ConfigurationReading
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
    /// `smallbank/create`: each transaction creates a new customer.
    case smallbankCreate(SmallbankArguments)
    /// `smallbank/modify`: Smallbank's updates drawn by weight over existing customers.
    case smallbankModify(SmallbankArguments)
    /// `smallbank/query`: reads a customer's balances (never ordered).
    case smallbankQuery(SmallbankArguments)
    /// `smallbank/operations` (older Caliper's `smallbankOperations.js`): the round's first
    /// `accountsGenerated` transactions create customers, the rest are the `modify` mix over them.
    case smallbankOperations(SmallbankArguments)
    /// `noop`: an empty transaction.
    case noop

    /// The module names accepted for `workload.module`.
    public static let moduleNames = [
        "simple/open", "simple/query", "simple/transfer",
        "clinical/register-treatment", "clinical/grant-permission", "clinical/read-records",
        "clinical/dispense", "clinical/mix",
        "smallbank/create", "smallbank/modify", "smallbank/query", "smallbank/operations", "noop",
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
        case .smallbankCreate: "smallbank/create"
        case .smallbankModify: "smallbank/modify"
        case .smallbankQuery: "smallbank/query"
        case .smallbankOperations: "smallbank/operations"
        case .noop: "noop"
        }
    }

    /// How many transactions go out together at each slot of the rate controller (Smallbank's
    /// `txnPerBatch`; 1 elsewhere).
    public var transactionsPerRelease: Int {
        switch self {
        case .smallbankCreate(let arguments), .smallbankModify(let arguments), .smallbankQuery(let arguments),
             .smallbankOperations(let arguments):
            arguments.txnPerBatch
        default: 1
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
        case .smallbankCreate(let arguments):
            [("txnPerBatch", "\(arguments.txnPerBatch)"), ("initialChecking", "\(arguments.initialChecking)"),
             ("initialSavings", "\(arguments.initialSavings)")]
        case .smallbankQuery(let arguments):
            [("accountsGenerated", arguments.accountsGenerated.map { "\($0)" } ?? "all created"),
             ("txnPerBatch", "\(arguments.txnPerBatch)")]
        case .smallbankModify(let arguments), .smallbankOperations(let arguments):
            [("accountsGenerated", arguments.accountsGenerated.map { "\($0)" } ?? "all created"),
             ("txnPerBatch", "\(arguments.txnPerBatch)"), ("maximumAmount", "\(arguments.maximumAmount)"),
             ("mix", arguments.mix.weights.map { "\($0.operation.rawValue) \(RateControl.text($0.weight))" }.joined(separator: ", "))]
                + (self.module == "smallbank/operations"
                    ? [("initialChecking", "\(arguments.initialChecking)"), ("initialSavings", "\(arguments.initialSavings)")] : [])
        case .noop:
            []
        }
    }

    /// The module and its arguments, e.g. `simple/open numberOfAccounts=1000 ...`.
    public var description: String {
        ([module] + argumentPairs.map { "\($0.key)=\($0.value)" }).joined(separator: " ")
    }
}

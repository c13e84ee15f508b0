import ConfigurationReading
extension Workload {
    /// The keys allowed in `arguments` for each module.
    static let argumentKeys: [String: [String]] = [
        "simple/open": simpleKeys,
        "simple/query": simpleKeys,
        "simple/transfer": simpleKeys,
        "clinical/register-treatment": ["patients"],
        "clinical/grant-permission": ["patients"],
        "clinical/read-records": ["patients"],
        "clinical/dispense": ["patients", "pharmacies"],
        "clinical/mix": ["patients", "pharmacies", "weights"],
        "smallbank/create": ["txnPerBatch", "initialChecking", "initialSavings"],
        "smallbank/modify": ["accountsGenerated", "txnPerBatch", "maximumAmount", "mix"],
        "smallbank/query": ["accountsGenerated", "txnPerBatch"],
        "smallbank/operations": ["accounts", "txnPerBatch", "initialChecking", "initialSavings", "maximumAmount", "mix"],
        "noop": [],
    ]

    /// The arguments of every `simple/*` module.
    private static let simpleKeys = ["numberOfAccounts", "initialMoney", "moneyToTransfer"]

    /// Reads a `workload {module, arguments}`.
    static func read(_ value: ConfigurationValue) -> Workload? {
        guard let mapping = value.mapping(allowedKeys: ["module", "arguments"]) else { return nil }
        guard let moduleValue = mapping.required("module") else { return nil }
        return read(module: moduleValue, arguments: mapping.optional("arguments"), owner: mapping.value)
    }

    /// Reads a workload from its module and arguments, wherever the file puts them: `workload`'s
    /// keys, or older Caliper's round-level `callback` and `arguments`.
    static func read(module moduleValue: ConfigurationValue, arguments argumentsValue: ConfigurationValue?,
                     owner: ConfigurationValue) -> Workload? {
        var caliperModule = false
        guard let module = { (value: ConfigurationValue) -> String? in
            // Caliper's scenario files (`.../simple/open.js`) name the built-in modules.
            if let text = value.node.string, text.hasSuffix(".js") {
                guard let builtIn = builtInModule(forCaliperPath: text) else {
                    value.report("\(text) is a Caliper module vernier has no built-in for; it maps "
                        + "simple/open.js, simple/query.js, simple/transfer.js, smallbank/create.js, smallbank/modify.js, "
                        + "smallbank/query.js and smallbank/smallbankOperations.js")
                    return nil
                }
                caliperModule = true
                value.note("Caliper's \(text) runs as vernier's \(builtIn)")
                return builtIn
            }
            return value.choice(among: moduleNames)
        }(moduleValue) else { return nil }
        let arguments: ConfigurationMapping?
        if let argumentsValue {
            // A Caliper module takes whatever arguments its file passes: those vernier's module does
            // not use are noted, not refused. vernier's own modules stay strict.
            arguments = argumentsValue.mapping(
                allowedKeys: argumentKeys[module] ?? [],
                unknownKeysNote: caliperModule ? "not an argument vernier's \(module) uses: ignored" : nil)
        } else {
            arguments = ConfigurationMapping(value: owner, entries: [])
        }
        guard let arguments else { return nil }
        let patients = { arguments.read("patients", default: defaultPatients) { $0.integer(atLeast: 1) } }
        let pharmacies = { arguments.read("pharmacies", default: defaultPharmacies) { $0.integer(atLeast: 1) } }
        switch module {
        case "simple/open": return readSimple(arguments).map(Workload.simpleOpen)
        case "simple/query": return readSimple(arguments).map(Workload.simpleQuery)
        case "simple/transfer":
            return readSimple(arguments).map(Workload.simpleTransfer)
        case "clinical/register-treatment": return patients().map { .clinicalRegisterTreatment(patients: $0) }
        case "clinical/grant-permission": return patients().map { .clinicalGrantPermission(patients: $0) }
        case "clinical/read-records": return patients().map { .clinicalReadRecords(patients: $0) }
        case "clinical/dispense":
            let patients = patients()
            let pharmacies = pharmacies()
            guard let patients, let pharmacies else { return nil }
            return .clinicalDispense(patients: patients, pharmacies: pharmacies)
        case "clinical/mix":
            let patients = patients()
            let pharmacies = pharmacies()
            let weights = arguments.read("weights", default: ClinicalMixWeights(), readMixWeights)
            guard let patients, let pharmacies, let weights else { return nil }
            return .clinicalMix(patients: patients, pharmacies: pharmacies, weights: weights)
        case "smallbank/create": return readSmallbank(arguments, module: module).map(Workload.smallbankCreate)
        case "smallbank/modify": return readSmallbank(arguments, module: module).map(Workload.smallbankModify)
        case "smallbank/query": return readSmallbank(arguments, module: module).map(Workload.smallbankQuery)
        case "smallbank/operations":
            return readSmallbank(arguments, module: module, keyPrefix: argumentsValue == nil ? "arguments." : "")
                .map(Workload.smallbankOperations)
        case "noop": return .noop
        default: return nil
        }
    }

    /// Reads the `smallbank/*` arguments; absent keys take the defaults. `operations` (older
    /// Caliper) names its customer count `accounts` and needs it.
    /// `keyPrefix` leads from the mapping to the arguments where the file gives none.
    private static func readSmallbank(_ arguments: ConfigurationMapping, module: String, keyPrefix: String = "") -> SmallbankArguments? {
        let defaults = SmallbankArguments()
        let minimum = SmallbankArguments.minimumCustomers
        let createsItsCustomers = module == "smallbank/operations"
        let customersValue = arguments.optional(createsItsCustomers ? "accounts" : "accountsGenerated")
        if createsItsCustomers, customersValue == nil {
            arguments.value.report(key: keyPrefix + "accounts",
                                   "missing required key: the number of customers the round creates before its operations")
        }
        let accountsGenerated = customersValue?.integer(atLeast: minimum)
        let customersRead = customersValue == nil ? !createsItsCustomers : accountsGenerated != nil
        let txnPerBatch = arguments.read("txnPerBatch", default: defaults.txnPerBatch) { value in
            let batch = value.integer(atLeast: 1, atMost: 1_000)
            if let batch, batch > 1 {
                value.note("each slot of the rate controller releases \(batch) transactions together and the round's "
                           + "count is of slots, as Caliper counts batches: \(batch)× the transactions at \(batch)× the rate")
            }
            return batch
        }
        let balanceLimit = Int(Int64.max / 4)
        let initialChecking = arguments.read("initialChecking", default: Int(defaults.initialChecking)) {
            $0.integer(atLeast: 0, atMost: balanceLimit)
        }
        let initialSavings = arguments.read("initialSavings", default: Int(defaults.initialSavings)) {
            $0.integer(atLeast: 0, atMost: balanceLimit)
        }
        let maximumAmount = arguments.read("maximumAmount", default: defaults.maximumAmount) {
            $0.integer(atLeast: 1, atMost: balanceLimit)
        }
        let mix = arguments.read("mix", default: SmallbankMix(), readSmallbankMix)
        guard customersRead, let txnPerBatch, let initialChecking, let initialSavings, let maximumAmount, let mix else {
            return nil
        }
        return SmallbankArguments(accountsGenerated: accountsGenerated, txnPerBatch: txnPerBatch,
                                  initialChecking: Int64(initialChecking), initialSavings: Int64(initialSavings),
                                  maximumAmount: maximumAmount, mix: mix)
    }

    /// Reads the `smallbank/*` mix: each weight >= 0, not all 0; absent ones take the defaults.
    private static func readSmallbankMix(_ value: ConfigurationValue) -> SmallbankMix? {
        guard let mapping = value.mapping(allowedKeys: SmallbankOperation.allCases.map(\.rawValue)) else { return nil }
        var mix = SmallbankMix()
        var valid = true
        for operation in SmallbankOperation.allCases {
            let weight = mapping.read(operation.rawValue, default: mix[operation]) { value in
                value.require(value.number(), "at least 0") { $0 >= 0 }
            }
            if let weight { mix[operation] = weight } else { valid = false }
        }
        guard valid else { return nil }
        guard mix.weights.contains(where: { $0.weight > 0 }) else {
            value.report("the weights cannot all be 0")
            return nil
        }
        return mix
    }

    /// Reads the `simple/*` arguments; absent keys take the defaults.
    private static func readSimple(_ arguments: ConfigurationMapping) -> SimpleArguments? {
        let defaults = SimpleArguments()
        let numberOfAccounts = arguments.read("numberOfAccounts", default: defaults.numberOfAccounts) {
            $0.integer(atLeast: 1)
        }
        let initialMoney = arguments.read("initialMoney", default: defaults.initialMoney) { $0.integer(atLeast: 0) }
        let moneyToTransfer = arguments.read("moneyToTransfer", default: defaults.moneyToTransfer) {
            $0.integer(atLeast: 1)
        }
        guard let numberOfAccounts, let initialMoney, let moneyToTransfer else { return nil }
        return SimpleArguments(
            numberOfAccounts: numberOfAccounts, initialMoney: initialMoney, moneyToTransfer: moneyToTransfer
        )
    }

    /// Reads the `clinical/mix` weights: each >= 0, not all 0; absent ones take the defaults.
    private static func readMixWeights(_ value: ConfigurationValue) -> ClinicalMixWeights? {
        let keys = ["registerTreatment", "grantPermission", "readRecords", "dispense"]
        guard let mapping = value.mapping(allowedKeys: keys) else { return nil }
        let defaults = ClinicalMixWeights()
        let read = { (key: String, defaultValue: Double) in
            mapping.read(key, default: defaultValue) { value in
                value.require(value.number(), "at least 0") { $0 >= 0 }
            }
        }
        let registerTreatment = read("registerTreatment", defaults.registerTreatment)
        let grantPermission = read("grantPermission", defaults.grantPermission)
        let readRecords = read("readRecords", defaults.readRecords)
        let dispense = read("dispense", defaults.dispense)
        guard let registerTreatment, let grantPermission, let readRecords, let dispense else { return nil }
        guard registerTreatment + grantPermission + readRecords + dispense > 0 else {
            value.report("the weights cannot all be 0")
            return nil
        }
        return ClinicalMixWeights(
            registerTreatment: registerTreatment, grantPermission: grantPermission,
            readRecords: readRecords, dispense: dispense
        )
    }
}

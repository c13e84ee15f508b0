extension RateControl {
    /// The keys allowed in `opts` for each type.
    static let optionKeys: [String: [String]] = [
        "fixed-rate": ["tps"],
        "fixed-load": ["startTps", "transactionLoad"],
        "linear-rate": ["startingTps", "finishingTps"],
        "maximum-rate": ["tps", "step", "sampleInterval", "includeFailed"],
        "fixed-feedback-rate": ["tps", "transactionLoad"],
        "composite-rate": ["weights", "rateControllers"],
        "zero-rate": [],
        "replay-rate": ["path"],
    ]

    /// Options Caliper's own rate controllers take that vernier's do not use: in a Caliper file
    /// they are noted and ignored (`composite-rate`'s `logChange` only logs rate changes).
    static let caliperOnlyOptionKeys: [String: [String]] = [
        "composite-rate": ["logChange"],
        "fixed-feedback-rate": ["unfinished_per_client"],
        "linear-rate": [],
        "fixed-load": [],
        "maximum-rate": [],
        "fixed-rate": [],
    ]

    /// Reads a `rateControl {type, opts}`; `nested` is true inside a composite controller;
    /// `caliper` is true in a file in Caliper's layout, where Caliper's own options are accepted.
    static func read(_ value: ConfigurationValue, nested: Bool, caliper: Bool = false) -> RateControl? {
        guard let mapping = value.mapping(allowedKeys: ["type", "opts"]) else { return nil }
        guard let typeValue = mapping.required("type"), let type = typeValue.choice(among: typeNames) else {
            return nil
        }
        if nested, type == "composite-rate" {
            typeValue.report("a composite-rate cannot contain another composite-rate")
            return nil
        }
        let opts: ConfigurationMapping?
        if let optsValue = mapping.optional("opts") {
            let caliperOnly = caliper ? caliperOnlyOptionKeys[type] ?? [] : []
            opts = optsValue.mapping(allowedKeys: (optionKeys[type] ?? []) + caliperOnly)
            for key in caliperOnly where key != "unfinished_per_client" {
                opts?.optional(key)?.note("Caliper's \(type) option \(key) does not change the schedule: ignored")
            }
        } else if type == "zero-rate" {
            return .zeroRate
        } else {
            mapping.value.report(key: "opts", "missing required key")
            return nil
        }
        guard let opts else { return nil }
        switch type {
        case "fixed-rate":
            return opts.read("tps", readRate).map { .fixedRate(tps: $0) }
        case "fixed-load":
            let startTps = opts.read("startTps", readRate)
            let transactionLoad = opts.read("transactionLoad") { $0.integer(atLeast: 1) }
            guard let startTps, let transactionLoad else { return nil }
            return .fixedLoad(startTps: startTps, transactionLoad: transactionLoad)
        case "linear-rate":
            return readLinear(opts)
        case "maximum-rate":
            let tps = opts.read("tps", readRate)
            let step = opts.read("step", readRate)
            let sampleInterval = opts.read("sampleInterval", default: defaultSampleInterval) { $0.positiveDuration() }
            let includeFailed = opts.read("includeFailed", default: true) { $0.bool() }
            guard let tps, let step, let sampleInterval, let includeFailed else { return nil }
            return .maximumRate(tps: tps, step: step, sampleInterval: sampleInterval, includeFailed: includeFailed)
        case "fixed-feedback-rate":
            let tps = opts.read("tps", readRate)
            // Older Caliper called the unfinished-transaction bound `unfinished_per_client`; with
            // one driver process, per client is the whole bound.
            let transactionLoad: Int?
            if let older = opts.optional("unfinished_per_client") {
                if let both = opts.optional("transactionLoad") {
                    both.report("give the bound once: transactionLoad, or older Caliper's unfinished_per_client")
                    transactionLoad = nil
                } else {
                    older.note("older Caliper's unfinished_per_client is read as transactionLoad (one driver process)")
                    transactionLoad = older.integer(atLeast: 1)
                }
            } else {
                transactionLoad = opts.read("transactionLoad") { $0.integer(atLeast: 1) }
            }
            guard let tps, let transactionLoad else { return nil }
            return .fixedFeedbackRate(tps: tps, transactionLoad: transactionLoad)
        case "composite-rate":
            return readComposite(opts, caliper: caliper)
        case "zero-rate":
            return .zeroRate
        case "replay-rate":
            return opts.read("path") { value -> String? in
                guard let path = value.string() else { return nil }
                guard !path.isEmpty else {
                    value.report("the path must not be empty")
                    return nil
                }
                return path
            }.map { .replayRate(path: $0) }
        default:
            return nil
        }
    }

    /// Reads a rate in transactions per second: finite and greater than 0.
    private static func readRate(_ value: ConfigurationValue) -> Double? {
        value.require(value.number(), "greater than 0") { $0 > 0 }
    }

    /// Reads `linear-rate` options: both rates >= 0, not both 0.
    private static func readLinear(_ opts: ConfigurationMapping) -> RateControl? {
        let read = { (value: ConfigurationValue) in value.require(value.number(), "at least 0") { $0 >= 0 } }
        let startingTps = opts.read("startingTps", read)
        let finishingTps = opts.read("finishingTps", read)
        guard let startingTps, let finishingTps else { return nil }
        guard startingTps > 0 || finishingTps > 0 else {
            opts.value.report("startingTps and finishingTps cannot both be 0")
            return nil
        }
        return .linearRate(startingTps: startingTps, finishingTps: finishingTps)
    }

    /// Reads `composite-rate` options: weights >= 0 (not all 0), one per controller.
    private static func readComposite(_ opts: ConfigurationMapping, caliper: Bool) -> RateControl? {
        let weightsValue = opts.required("weights")
        let weights = weightsValue.flatMap { value -> [Double]? in
            guard let elements = value.sequence() else { return nil }
            let weights = elements.map { element in
                element.require(element.number(), "at least 0") { $0 >= 0 }
            }
            guard weights.allSatisfy({ $0 != nil }) else { return nil }
            let values = weights.compactMap { $0 }
            guard values.contains(where: { $0 > 0 }) else {
                value.report("the weights cannot all be 0")
                return nil
            }
            return values
        }
        let controllersValue = opts.required("rateControllers")
        let controllers = controllersValue.flatMap { value -> [RateControl]? in
            guard let elements = value.sequence() else { return nil }
            guard !elements.isEmpty else {
                value.report("at least one rate controller is required")
                return nil
            }
            let controllers = elements.map { read($0, nested: true, caliper: caliper) }
            guard controllers.allSatisfy({ $0 != nil }) else { return nil }
            return controllers.compactMap { $0 }
        }
        guard let weights, let controllers else { return nil }
        guard weights.count == controllers.count else {
            weightsValue?.report("there are \(weights.count) weights for \(controllers.count) rate controllers: "
                + "give one weight per controller")
            return nil
        }
        return .composite(weights: weights, controllers: controllers)
    }
}

import ConfigurationReading
extension RateControl {
    /// The keys allowed in `opts` for each type.
    static let optionKeys: [String: [String]] = [
        "fixed-rate": ["tps"],
        "fixed-load": ["startTps", "transactionLoad"],
        "linear-rate": ["startingTps", "finishingTps"],
        "maximum-rate": ["tps", "step", "sampleInterval", "includeFailed", "latencyBound"],
        "fixed-feedback-rate": ["tps", "transactionLoad"],
        "composite-rate": ["weights", "rateControllers"],
        "zero-rate": [],
        "replay-rate": ["path"],
        "record-rate": ["rateController", "pathTemplate", "outputFormat"],
    ]

    /// Options only Caliper's files give: its names for what vernier's options say, and options
    /// that only log (`caliperLoggingOptionKeys`), which are noted and ignored.
    static let caliperOnlyOptionKeys: [String: [String]] = [
        "composite-rate": ["logChange"],
        "fixed-feedback-rate": ["unfinished_per_client"],
        "fixed-load": ["unfinished_per_client", "startingTps"],
        "replay-rate": ["pathTemplate", "inputFormat", "defaultSleepTime", "logWarnings"],
        "record-rate": ["logEnd"],
        "linear-rate": [],
        "maximum-rate": [],
        "fixed-rate": [],
    ]

    /// Caliper's options that only change what it logs.
    static let caliperLoggingOptionKeys: Set = ["logChange", "logWarnings", "logEnd"]

    /// Caliper's replay files' time between transactions once the file runs out (`defaultSleepTime`).
    public static let caliperDefaultSleep: Duration = .milliseconds(100)

    /// Reads a `rateControl {type, opts}`; `nested` is true inside a composite or record controller;
    /// `caliper` is true in a file in Caliper's layout, where Caliper's own options are accepted;
    /// `roundIndex` (0-based) fills Caliper's `<R>` in file paths.
    static func read(_ value: ConfigurationValue, nested: Bool, caliper: Bool = false, roundIndex: Int = 0) -> RateControl? {
        guard let mapping = value.mapping(allowedKeys: ["type", "opts"]) else { return nil }
        // Older Caliper's fixed-backlog is today's fixed-load.
        let caliperTypes = caliper ? ["fixed-backlog"] : []
        guard let typeValue = mapping.required("type"), var type = typeValue.choice(among: typeNames + caliperTypes) else {
            return nil
        }
        if type == "fixed-backlog" {
            typeValue.note("older Caliper's fixed-backlog is read as fixed-load")
            type = "fixed-load"
        }
        if nested, type == "composite-rate" || type == "record-rate" {
            typeValue.report("a \(type) cannot be inside a composite-rate: it shapes or records a whole round")
            return nil
        }
        let opts: ConfigurationMapping?
        if let optsValue = mapping.optional("opts") {
            let caliperOnly = caliper ? caliperOnlyOptionKeys[type] ?? [] : []
            opts = optsValue.mapping(allowedKeys: (optionKeys[type] ?? []) + caliperOnly)
            for key in caliperOnly where caliperLoggingOptionKeys.contains(key) {
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
            // Caliper's names: older ones read as today's, absent ones take Caliper's defaults.
            let startTps = readCaliperOption(opts, "startTps", older: "startingTps", caliperDefault: caliper ? 5 : nil, readRate)
            let transactionLoad = readCaliperOption(opts, "transactionLoad", older: "unfinished_per_client",
                                                    caliperDefault: caliper ? 10 : nil) { $0.integer(atLeast: 1) }
            guard let startTps, let transactionLoad else { return nil }
            return .fixedLoad(startTps: startTps, transactionLoad: transactionLoad)
        case "linear-rate":
            return readLinear(opts)
        case "maximum-rate":
            let tps = opts.read("tps", readRate)
            let step = opts.read("step", readRate)
            let sampleInterval = opts.read("sampleInterval", default: defaultSampleInterval) { value -> Duration? in
                // Caliper gives the interval in seconds, as a bare number.
                if caliper, value.tagName == .int || value.tagName == .float {
                    guard let seconds = value.require(value.number(), "above 0 seconds", { $0 > 0 && $0 <= 86_400 }) else { return nil }
                    value.note("Caliper's sampleInterval is in seconds: \(value.text) s")
                    return .milliseconds(Int64((seconds * 1000).rounded()))
                }
                return value.positiveDuration()
            }
            let includeFailed = opts.read("includeFailed", default: true) { $0.bool() }
            let latencyBound = opts.optional("latencyBound").map { $0.positiveDuration() }
            guard let tps, let step, let sampleInterval, let includeFailed, latencyBound != .some(nil) else { return nil }
            return .maximumRate(tps: tps, step: step, sampleInterval: sampleInterval, includeFailed: includeFailed,
                                latencyBound: latencyBound ?? nil)
        case "fixed-feedback-rate":
            let tps = opts.read("tps", readRate)
            // Older Caliper called the unfinished-transaction bound `unfinished_per_client`; with
            // one driver process, per client is the whole bound.
            let transactionLoad = readCaliperOption(opts, "transactionLoad", older: "unfinished_per_client", caliperDefault: nil) {
                $0.integer(atLeast: 1)
            }
            guard let tps, let transactionLoad else { return nil }
            return .fixedFeedbackRate(tps: tps, transactionLoad: transactionLoad)
        case "composite-rate":
            return readComposite(opts, caliper: caliper, roundIndex: roundIndex)
        case "zero-rate":
            return .zeroRate
        case "replay-rate":
            return readReplay(opts, caliper: caliper, roundIndex: roundIndex)
        case "record-rate":
            let controller = opts.read("rateController") { value -> RateControl? in
                let inner = read(value, nested: false, caliper: caliper, roundIndex: roundIndex)
                if case .recordRate? = inner {
                    value.report("a record-rate records another controller, not a record-rate")
                    return nil
                }
                return inner
            }
            let path = opts.read("pathTemplate") { readPath($0, roundIndex: roundIndex) }
            let format = opts.read("outputFormat", default: SendTimeFormat.millisecondsText, readCaliperFormat)
            guard let controller, let path, let format else { return nil }
            return .recordRate(RecordTrace(path: path, format: format), controller: controller)
        default:
            return nil
        }
    }

    /// Reads an option that older Caliper files give under another name; absent, it takes
    /// `caliperDefault` with a note, or without one it is required.
    private static func readCaliperOption<T>(_ opts: ConfigurationMapping, _ key: String, older: String, caliperDefault: T?,
                                             _ read: (ConfigurationValue) -> T?) -> T? {
        if let olderValue = opts.optional(older) {
            if let both = opts.optional(key) {
                both.report("give \(key) once: \(key), or older Caliper's \(older)")
                return nil
            }
            olderValue.note("older Caliper's \(older) is read as \(key)")
            return read(olderValue)
        }
        if opts.optional(key) == nil, let caliperDefault {
            opts.value.note("\(key) is absent: Caliper's default \(caliperDefault) is taken")
            return caliperDefault
        }
        return opts.read(key, read)
    }

    /// Reads `replay-rate` options: vernier's `path` (a CSV of seconds), or in a Caliper file its
    /// `pathTemplate` with `inputFormat` and `defaultSleepTime` (milliseconds).
    private static func readReplay(_ opts: ConfigurationMapping, caliper: Bool, roundIndex: Int) -> RateControl? {
        let caliperKeys = ["pathTemplate", "inputFormat", "defaultSleepTime"]
        guard caliper, opts.optional("path") == nil else {
            if let path = opts.optional("path") {
                for key in caliperKeys { opts.optional(key)?.report("path is vernier's CSV of seconds: leave out Caliper's \(key)") }
            }
            return opts.read("path") { readPath($0, roundIndex: nil) }.map { .replayRate(ReplayTrace(path: $0)) }
        }
        let path = opts.required("pathTemplate").flatMap { readPath($0, roundIndex: roundIndex) }
        let format = opts.read("inputFormat", default: SendTimeFormat.millisecondsText, readCaliperFormat)
        let sleep = opts.read("defaultSleepTime", default: caliperDefaultSleep) { value in
            value.integer(atLeast: 1, atMost: 3_600_000).map { Duration.milliseconds($0) }
        }
        guard let path, let format, let sleep else { return nil }
        return .replayRate(ReplayTrace(path: path, format: format, intervalAfterTrace: sleep))
    }

    /// Reads a file path; with `roundIndex`, Caliper's `<R>` becomes the round's index and `<C>`
    /// the worker's, 0 (vernier's driver is one process).
    private static func readPath(_ value: ConfigurationValue, roundIndex: Int?) -> String? {
        guard var path = value.string() else { return nil }
        guard !path.isEmpty else {
            value.report("the path must not be empty")
            return nil
        }
        if let roundIndex {
            let template = path
            for (placeholder, replacement) in [("<R>", String(roundIndex)), ("<r>", String(roundIndex)), ("<C>", "0"), ("<c>", "0")] {
                path = path.replacingOccurrences(of: placeholder, with: replacement)
            }
            if path != template {
                value.note("Caliper's path template is \(path) here: <R> is the round's index, <C> worker 0 (vernier's driver is one process)")
            }
        }
        return path
    }

    /// Reads one of Caliper's send-time formats: `TEXT`, `BIN_BE` or `BIN_LE` (any case).
    private static func readCaliperFormat(_ value: ConfigurationValue) -> SendTimeFormat? {
        guard let text = value.string() else { return nil }
        if let format = SendTimeFormat(rawValue: text.uppercased()), format != .secondsCSV { return format }
        value.report("unknown format \"\(text)\": Caliper's formats are \(SendTimeFormat.caliperNames.joined(separator: ", "))")
        return nil
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
    private static func readComposite(_ opts: ConfigurationMapping, caliper: Bool, roundIndex: Int) -> RateControl? {
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
            let controllers = elements.map { read($0, nested: true, caliper: caliper, roundIndex: roundIndex) }
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

package import ConfigurationReading

extension NodeResourceLimits {
    /// The keys allowed in `network.resources`.
    static let keys = ["cpu", "memory"]

    /// The accepted CPU form, quoted in error messages.
    static let acceptedCpuForm = "cores (2, \"0.5\") or millicores (\"500m\"), from 1m to 1024 cores"
    /// The accepted memory form, quoted in error messages.
    static let acceptedMemoryForm = "a size such as 2GiB or 512MiB (Kubernetes' 2Gi and 512Mi too), at least 1MiB"

    /// Reads `network.resources`: `cpu`, `memory` or both; nil if anything was reported.
    package static func read(_ value: ConfigurationValue) -> NodeResourceLimits? {
        guard let mapping = value.mapping(allowedKeys: keys) else { return nil }
        guard !mapping.entries.isEmpty else {
            value.report("give cpu, memory or both", suggestion: "resources: { cpu: \"2\", memory: 2Gi }")
            return nil
        }
        let cpuValue = mapping.optional("cpu")
        let cpu = cpuValue.flatMap(readCpu)
        let memoryValue = mapping.optional("memory")
        let memory = memoryValue.flatMap(readMemory)
        if (cpuValue != nil && cpu == nil) || (memoryValue != nil && memory == nil) { return nil }
        return NodeResourceLimits(cpuMillicores: cpu, memoryBytes: memory)
    }

    /// Reads a CPU amount as millicores: `2`, `0.5`, `"1.5"` or `"500m"`.
    private static func readCpu(_ value: ConfigurationValue) -> Int? {
        guard let scalar = value.node.scalar, [.int, .float, .str].contains(value.tagName) else {
            value.reportExpected("a CPU amount, " + acceptedCpuForm)
            return nil
        }
        let text = scalar.string
        guard let millicores = millicores(text) else {
            let precision = text.contains(".") ? " (a thousandth of a core is the finest)" : ""
            value.report("invalid cpu \"\(text)\": expected \(acceptedCpuForm)\(precision)")
            return nil
        }
        return value.require(millicores, "from 1m to 1024 cores") { (1...largestCpuMillicores).contains($0) }
    }

    /// `text` in millicores, or nil when it is malformed or finer than a millicore.
    static func millicores(_ text: String) -> Int? {
        if text.hasSuffix("m") {
            guard let (mantissa, fractionDigits) = DecimalText.parse(text.dropLast()), fractionDigits == 0 else { return nil }
            return Int(exactly: mantissa)
        }
        guard let (mantissa, fractionDigits) = DecimalText.parse(Substring(text)), fractionDigits <= 3 else { return nil }
        var scale: Int128 = 1
        for _ in fractionDigits..<3 { scale *= 10 }
        let scaled = mantissa.multipliedReportingOverflow(by: scale)
        return scaled.overflow ? nil : Int(exactly: scaled.partialValue)
    }

    /// Reads a memory amount in bytes: a bare integer, the file's sizes (`2GiB`), or Kubernetes'
    /// binary suffixes (`2Gi`, `512Mi`, `64Ki`).
    private static func readMemory(_ value: ConfigurationValue) -> Int? {
        guard let scalar = value.node.scalar, value.tagName == .int || value.tagName == .str else {
            value.reportExpected("a memory size, " + acceptedMemoryForm)
            return nil
        }
        let text = scalar.string
        let bytes: Int?
        if value.tagName == .int {
            bytes = value.node.int
        } else if ["Ki", "Mi", "Gi"].contains(where: { text.hasSuffix($0) }) {
            bytes = ByteCount.parse(text + "B")
        } else {
            bytes = ByteCount.parse(text)
        }
        guard let bytes else {
            value.report("invalid memory \"\(text)\": expected \(acceptedMemoryForm)",
                         suggestion: ["K", "M", "G"].contains(where: { text.hasSuffix($0) }) ? text + "B" : nil)
            return nil
        }
        return value.require(bytes, "at least 1MiB") { $0 >= smallestMemoryBytes }
    }
}

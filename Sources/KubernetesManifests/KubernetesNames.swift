/// Kubernetes' rules for names and labels, and how vernier's names become them.
///
/// Node names (`orderer0`, `peer0.org1`) and network names (`A-Z a-z 0-9 . _ -`) become DNS-1123
/// labels: lowercase, with `.` and `_` turned into `-` (`peer0.org1` → `peer0-org1`). Two names
/// that map to one label are refused, never renamed.
public enum KubernetesNames {
    /// The longest StatefulSet name: its pods' `controller-revision-hash` label is the name, a dash
    /// and a hash of up to 10 characters, and a label value holds at most 63.
    public static let longestStatefulSetName = 52

    /// Whether `text` is a DNS-1123 label: 1 to 63 characters of `a-z 0-9 -`, starting and ending
    /// with a letter or digit (namespaces, Services, StatefulSets and pod host names).
    public static func isDNSLabel(_ text: String) -> Bool {
        let characters = Array(text.unicodeScalars)
        guard let first = characters.first, let last = characters.last, characters.count <= 63 else { return false }
        return isLowerAlphanumeric(first) && isLowerAlphanumeric(last)
            && characters.allSatisfy { isLowerAlphanumeric($0) || $0 == "-" }
    }

    /// Whether `text` may be a label's value: at most 63 characters of `A-Z a-z 0-9 . _ -`,
    /// starting and ending with a letter or digit, or empty.
    public static func isLabelValue(_ text: String) -> Bool {
        let characters = Array(text.unicodeScalars)
        guard let first = characters.first, let last = characters.last else { return true }
        guard characters.count <= 63, isAlphanumeric(first), isAlphanumeric(last) else { return false }
        return characters.allSatisfy { isAlphanumeric($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    /// Whether `text` may be a key of a Secret's or ConfigMap's data: `A-Z a-z 0-9 . _ -`, at most 253.
    public static func isDataKey(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 253
            && text.unicodeScalars.allSatisfy { isAlphanumeric($0) || $0 == "-" || $0 == "_" || $0 == "." }
    }

    /// The DNS label vernier uses for `name`: lowercased, `.` and `_` as `-`. The caller checks
    /// that the result is a label (`isDNSLabel`) and that no other name maps to it.
    public static func dnsLabel(for name: String) -> String {
        String(name.lowercased().map { $0 == "." || $0 == "_" ? "-" : $0 })
    }

    private static func isLowerAlphanumeric(_ character: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(character) || ("0"..."9").contains(character)
    }

    private static func isAlphanumeric(_ character: Unicode.Scalar) -> Bool {
        isLowerAlphanumeric(character) || ("A"..."Z").contains(character)
    }
}

/// Kubernetes quantities for a node's resources, in their shortest exact form.
public enum KubernetesQuantity {
    /// CPU: whole cores as a plain number (`"2"`), else millicores (`"500m"`).
    public static func cpu(millicores: Int) -> String {
        millicores % 1000 == 0 ? String(millicores / 1000) : "\(millicores)m"
    }

    /// Memory: the largest binary unit that divides it (`"2Gi"`, `"512Mi"`), then decimal
    /// (`"2G"`), else bytes.
    public static func memory(bytes: Int) -> String {
        let units: [(suffix: String, bytes: Int)] = [
            ("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10), ("G", 1_000_000_000), ("M", 1_000_000), ("k", 1_000),
        ]
        guard bytes != 0, let unit = units.first(where: { bytes % $0.bytes == 0 }) else { return String(bytes) }
        return "\(bytes / unit.bytes)\(unit.suffix)"
    }
}

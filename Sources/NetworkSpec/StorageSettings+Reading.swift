package import ConfigurationReading
extension StorageSettings {
    /// Reads `network.storage`.
    package static func read(_ value: ConfigurationValue) -> StorageSettings? {
        guard let mapping = value.mapping(allowedKeys: ["fsync"]) else { return nil }
        guard let fsync = mapping.read("fsync", default: true, { $0.bool() }) else { return nil }
        return StorageSettings(fsync: fsync)
    }
}

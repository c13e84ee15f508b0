import ConfigurationReading
/// The relative weights of the operations of `clinical/mix`.
public struct ClinicalMixWeights: Sendable, Hashable, Encodable {
    /// The weight of treatment registrations.
    public var registerTreatment: Double
    /// The weight of permission grants.
    public var grantPermission: Double
    /// The weight of record reads.
    public var readRecords: Double
    /// The weight of dispensations.
    public var dispense: Double

    /// Creates weights; the defaults are the file's defaults (4/1/4/1).
    public init(registerTreatment: Double = 4, grantPermission: Double = 1, readRecords: Double = 4, dispense: Double = 1) {
        self.registerTreatment = registerTreatment
        self.grantPermission = grantPermission
        self.readRecords = readRecords
        self.dispense = dispense
    }
}

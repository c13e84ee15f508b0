package import ConfigurationReading
extension LinkConfiguration {
    /// Reads `network.links`; absent keys take the defaults, and a site link's absent keys take the
    /// file's settings for every pair.
    package static func read(_ value: ConfigurationValue) -> LinkConfiguration? {
        guard let mapping = value.mapping(allowedKeys: ["latency", "jitter", "loss", "between"]) else { return nil }
        let latency = mapping.read("latency", default: Duration.zero) { $0.duration() }
        let jitter = mapping.read("jitter", default: Duration.zero) { $0.duration() }
        let loss = mapping.read("loss", default: 0.0, readLoss)
        guard let latency, let jitter, let loss else { return nil }
        let between = mapping.read("between", default: []) { value -> [SiteLink]? in
            guard let elements = value.sequence() else { return nil }
            var links: [SiteLink] = []
            var failed = false
            for element in elements {
                guard let link = readSiteLink(element, latency: latency, jitter: jitter, loss: loss) else {
                    failed = true
                    continue
                }
                links.append(link)
            }
            return failed ? nil : links
        }
        guard let between else { return nil }
        return LinkConfiguration(latency: latency, jitter: jitter, loss: loss, between: between)
    }

    private static func readLoss(_ value: ConfigurationValue) -> Double? {
        value.require(value.number(), "a probability, at least 0 and less than 1") { $0 >= 0 && $0 < 1 }
    }

    private static func readSiteLink(_ value: ConfigurationValue, latency: Duration, jitter: Duration, loss: Double) -> SiteLink? {
        guard let mapping = value.mapping(allowedKeys: ["sites", "latency", "jitter", "loss"]) else { return nil }
        let sites = mapping.read("sites") { value -> [String]? in
            guard let elements = value.sequence() else { return nil }
            let names = elements.compactMap { $0.string() }
            guard names.count == elements.count else { return nil }
            guard names.count == 2, names[0] != names[1] else {
                value.report("a site link joins two different sites, e.g. [hospital-a, hospital-b]")
                return nil
            }
            return names
        }
        let linkLatency = mapping.read("latency", default: latency) { $0.duration() }
        let linkJitter = mapping.read("jitter", default: jitter) { $0.duration() }
        let linkLoss = mapping.read("loss", default: loss, readLoss)
        guard let sites, let linkLatency, let linkJitter, let linkLoss else { return nil }
        return SiteLink(sites: sites, latency: linkLatency, jitter: linkJitter, loss: linkLoss)
    }
}

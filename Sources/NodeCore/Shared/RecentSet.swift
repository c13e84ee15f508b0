/// A set that remembers at most `capacity` elements, forgetting the oldest insertion first.
///
/// For "seen" memories (gossip, commits, invalid blocks) that must stay bounded however long a
/// node runs.
struct RecentSet<Element: Hashable & Sendable>: Sendable {
    let capacity: Int
    private var members: Set<Element> = []
    /// Insertion order as a ring; `oldest` indexes the next element to forget once full.
    private var ring: [Element] = []
    private var oldest = 0

    init(capacity: Int) {
        precondition(capacity >= 1, "a recent set remembers at least one element")
        self.capacity = capacity
    }

    var count: Int { members.count }

    func contains(_ element: Element) -> Bool { members.contains(element) }

    /// Remembers `element`; false when it was already remembered.
    @discardableResult
    mutating func insert(_ element: Element) -> Bool {
        guard members.insert(element).inserted else { return false }
        if ring.count < capacity {
            ring.append(element)
        } else {
            members.remove(ring[oldest])
            ring[oldest] = element
            oldest = (oldest + 1) % capacity
        }
        return true
    }
}

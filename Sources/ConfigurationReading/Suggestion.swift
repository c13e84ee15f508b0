/// Finds the allowed word an author probably meant when they typed an unknown one.
package enum Suggestion {
    /// The candidate closest to `word` by case-insensitive edit distance, if it is close enough.
    ///
    /// A candidate is close enough when at most a third of the longer word has to change
    /// (at least one edit is always tolerated). Ties go to the earlier candidate.
    public static func closest(to word: String, among candidates: [String]) -> String? {
        let lowered = Array(word.lowercased())
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let loweredCandidate = Array(candidate.lowercased())
            let distance = editDistance(lowered, loweredCandidate)
            let tolerance = max(1, max(lowered.count, loweredCandidate.count) / 3)
            guard distance <= tolerance, distance < (best?.distance ?? .max) else { continue }
            best = (candidate, distance)
        }
        return best?.candidate
    }

    /// The edit distance between two strings: insertions, deletions, substitutions and
    /// transpositions of adjacent characters each count one (optimal string alignment).
    public static func editDistance(_ left: String, _ right: String) -> Int {
        editDistance(Array(left), Array(right))
    }

    private static func editDistance(_ left: [Character], _ right: [Character]) -> Int {
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        let columns = right.count + 1
        // distances[i * columns + j]: the distance between left.prefix(i) and right.prefix(j).
        var distances = [Int](repeating: 0, count: (left.count + 1) * columns)
        for i in 0...left.count { distances[i * columns] = i }
        for j in 0...right.count { distances[j] = j }
        for i in 1...left.count {
            for j in 1...right.count {
                let cost = left[i - 1] == right[j - 1] ? 0 : 1
                var distance = min(
                    distances[(i - 1) * columns + j] + 1,
                    distances[i * columns + j - 1] + 1,
                    distances[(i - 1) * columns + j - 1] + cost
                )
                if i > 1, j > 1, left[i - 1] == right[j - 2], left[i - 2] == right[j - 1] {
                    distance = min(distance, distances[(i - 2) * columns + j - 2] + 1)
                }
                distances[i * columns + j] = distance
            }
        }
        return distances[left.count * columns + right.count]
    }
}

/// Finds the allowed word an author probably meant when they typed an unknown one.
public enum Suggestion {
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

    /// The Levenshtein distance between two strings (insertions, deletions, substitutions).
    public static func editDistance(_ left: String, _ right: String) -> Int {
        editDistance(Array(left), Array(right))
    }

    private static func editDistance(_ left: [Character], _ right: [Character]) -> Int {
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        var previous = Array(0...right.count)
        var current = [Int](repeating: 0, count: right.count + 1)
        for (leftIndex, leftCharacter) in left.enumerated() {
            current[0] = leftIndex + 1
            for (rightIndex, rightCharacter) in right.enumerated() {
                let substitution = previous[rightIndex] + (leftCharacter == rightCharacter ? 0 : 1)
                current[rightIndex + 1] = min(substitution, previous[rightIndex + 1] + 1, current[rightIndex] + 1)
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}

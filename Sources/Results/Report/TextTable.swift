/// Aligned tables for the terminal and for pull-request comments, from rows of cells whose first
/// row is the header.
public enum TextTable {
    /// `| a | b |` with a rule under the header: the first column left-aligned, the others right.
    public static func boxed(_ rows: [[String]]) -> [String] {
        guard let header = rows.first else { return [] }
        let widths = columnWidths(rows)
        return rows.enumerated().flatMap { index, row -> [String] in
            let line = "| " + row.enumerated().map { column, cell in
                column == 0 ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: " | ") + " |"
            if index == 0 {
                return [line, "|" + widths.prefix(header.count).map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|"]
            }
            return [line]
        }
    }

    /// Columns separated by two spaces, every cell left-aligned.
    public static func plain(_ rows: [[String]]) -> [String] {
        let widths = columnWidths(rows)
        return rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }.joined(separator: "  ")
        }
    }

    /// A GitHub-flavoured Markdown table.
    public static func markdown(_ rows: [[String]]) -> [String] {
        guard let header = rows.first else { return [] }
        return ["| " + header.joined(separator: " | ") + " |", "|" + header.map { _ in "---" }.joined(separator: "|") + "|"]
            + rows.dropFirst().map { "| " + $0.joined(separator: " | ") + " |" }
    }

    private static func columnWidths(_ rows: [[String]]) -> [Int] {
        guard let header = rows.first else { return [] }
        return header.indices.map { column in rows.map { $0.indices.contains(column) ? $0[column].count : 0 }.max() ?? 0 }
    }
}

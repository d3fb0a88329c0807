/// A set kept as a plain array: for the few elements a visit remembers (its pages, what was
/// counted once), an array costs a fraction of a hashed set's memory — one allocation, no
/// buckets — and a linear search over a handful of elements is as fast.
package struct SmallSet<Element: Equatable>: Equatable {
    private var elements: [Element] = []

    package init() {}

    package var count: Int { elements.count }

    package func contains(_ element: Element) -> Bool { elements.contains(element) }

    @discardableResult
    package mutating func insert(_ element: Element) -> (inserted: Bool, memberAfterInsert: Element) {
        if let index = elements.firstIndex(of: element) { return (false, elements[index]) }
        elements.append(element)
        return (true, element)
    }
}

extension SmallSet: Sendable where Element: Sendable {}

/// A dictionary with a capacity that forgets its least recently used entry to make room, in O(1):
/// the entries sit in a slab of slots linked from most to least recently used, and the
/// dictionary maps a key to its slot. Used wherever Beckon keeps something per live visitor
/// (SPEC §13a: `visits.maxVisitors` bounds all of it).
package struct LRUMap<Key: Hashable, Value> {
    fileprivate struct Slot {
        var key: Key
        var value: Value?
        var newer: Int32
        var older: Int32
    }

    private static var none: Int32 { -1 }

    package let capacity: Int
    private var index: [Key: Int32] = [:]
    private var slots: [Slot] = []
    private var freeSlots: [Int32] = []
    /// Most and least recently used.
    private var newest = none
    private var oldest = none

    package init(capacity: Int) {
        precondition(capacity < Int(Int32.max), "capacity too large")
        self.capacity = max(1, capacity)
    }

    package var count: Int { index.count }
    package var isEmpty: Bool { index.isEmpty }

    package func contains(_ key: Key) -> Bool { index[key] != nil }

    /// The value, without counting as a use.
    package func peek(_ key: Key) -> Value? { index[key].flatMap { slots[Int($0)].value } }

    /// Runs `body` on the entry for `key` (nil when absent), which then counts as the most recent
    /// use. Setting it to nil removes it; a new entry past the capacity evicts the least recently
    /// used one, which is returned. The value is moved out while `body` runs, so mutating it does
    /// not copy it.
    @discardableResult
    package mutating func update<T>(_ key: Key, _ body: (inout Value?) throws -> T) rethrows -> (result: T, evicted: (Key, Value)?) {
        if let slot = index[key] {
            var value = slots[Int(slot)].value.take()
            defer {
                if let value {
                    slots[Int(slot)].value = value
                    moveToNewest(slot)
                } else {
                    remove(slot: slot)
                }
            }
            return (try body(&value), nil)
        }
        var value: Value?
        let result = try body(&value)
        guard let value else { return (result, nil) }
        let evicted = count >= capacity ? removeOldest() : nil
        insertNewest(key, value)
        return (result, evicted)
    }

    /// Stores `value` for `key` as the most recent use; answers the entry evicted to make room.
    @discardableResult
    package mutating func set(_ key: Key, _ value: Value) -> (Key, Value)? {
        update(key) { $0 = value }.evicted
    }

    @discardableResult
    package mutating func removeValue(forKey key: Key) -> Value? {
        guard let slot = index[key] else { return nil }
        let value = slots[Int(slot)].value
        remove(slot: slot)
        return value
    }

    /// Removes and answers the least recently used entry.
    package mutating func removeOldest() -> (Key, Value)? {
        guard oldest != Self.none else { return nil }
        let slot = oldest
        let entry = (slots[Int(slot)].key, slots[Int(slot)].value!)
        remove(slot: slot)
        return entry
    }

    /// Keeps the entries for which `keep` answers true (it may change them), without changing
    /// their order of use.
    package mutating func retain(_ keep: (Key, inout Value) -> Bool) {
        var slot = newest
        while slot != Self.none {
            let next = slots[Int(slot)].older
            var value = slots[Int(slot)].value.take()!
            if keep(slots[Int(slot)].key, &value) {
                slots[Int(slot)].value = value
            } else {
                remove(slot: slot)
            }
            slot = next
        }
    }

    /// The keys from the most to the least recently used.
    package var keysByRecency: [Key] {
        var keys: [Key] = []
        keys.reserveCapacity(count)
        var slot = newest
        while slot != Self.none {
            keys.append(slots[Int(slot)].key)
            slot = slots[Int(slot)].older
        }
        return keys
    }

    package mutating func removeAll() {
        self = LRUMap(capacity: capacity)
    }

    // MARK: The list

    private mutating func insertNewest(_ key: Key, _ value: Value) {
        let slot: Int32
        if let free = freeSlots.popLast() {
            slot = free
            slots[Int(slot)] = Slot(key: key, value: value, newer: Self.none, older: newest)
        } else {
            slot = Int32(slots.count)
            slots.append(Slot(key: key, value: value, newer: Self.none, older: newest))
        }
        if newest != Self.none { slots[Int(newest)].newer = slot }
        newest = slot
        if oldest == Self.none { oldest = slot }
        index[key] = slot
    }

    private mutating func unlink(_ slot: Int32) {
        let (newer, older) = (slots[Int(slot)].newer, slots[Int(slot)].older)
        if newer != Self.none { slots[Int(newer)].older = older } else { newest = older }
        if older != Self.none { slots[Int(older)].newer = newer } else { oldest = newer }
    }

    private mutating func moveToNewest(_ slot: Int32) {
        guard slot != newest else { return }
        unlink(slot)
        slots[Int(slot)].newer = Self.none
        slots[Int(slot)].older = newest
        slots[Int(newest)].newer = slot
        newest = slot
        if oldest == Self.none { oldest = slot }
    }

    private mutating func remove(slot: Int32) {
        unlink(slot)
        index[slots[Int(slot)].key] = nil
        slots[Int(slot)].value = nil
        freeSlots.append(slot)
        // A slab that has mostly emptied (a sweep) gives its memory back.
        if index.isEmpty {
            slots = []
            freeSlots = []
        }
    }
}

extension LRUMap: Sendable where Key: Sendable, Value: Sendable {}
extension LRUMap.Slot: Sendable where Key: Sendable, Value: Sendable {}

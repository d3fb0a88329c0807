import BeckonCore
import Testing

@Suite struct LRUMapTests {
    @Test func pastTheCapacityTheLeastRecentlyUsedEntryGoes() {
        var map = LRUMap<String, Int>(capacity: 3)
        #expect(map.set("a", 1) == nil && map.set("b", 2) == nil && map.set("c", 3) == nil)
        map.update("a") { $0! += 10 }  // a use: a is now the newest
        let evicted = map.set("d", 4)
        #expect(evicted?.0 == "b" && evicted?.1 == 2)
        #expect(map.keysByRecency == ["d", "a", "c"])
        #expect(map.peek("a") == 11 && map.count == 3)
        // Peeking is not a use.
        _ = map.peek("c")
        #expect(map.set("e", 5)?.0 == "c")
    }

    @Test func removingAndRetainingKeepTheOrderOfUse() {
        var map = LRUMap<Int, Int>(capacity: 10)
        for n in 0..<6 { map.set(n, n) }
        map.update(2) { $0 = nil }
        #expect(map.removeValue(forKey: 4) == 4)
        map.retain { key, value in
            value *= 2
            return key != 0
        }
        #expect(map.keysByRecency == [5, 3, 1])
        #expect(map.peek(5) == 10)
        #expect(map.removeOldest()?.0 == 1)
        // Freed slots are reused: the map stays the size of what it holds.
        for n in 100..<108 { map.set(n, n) }
        #expect(map.count == 10 && map.keysByRecency.first == 107)
    }

    @Test func aThrowingUpdateKeepsTheEntry() {
        var map = LRUMap<String, Int>(capacity: 2)
        map.set("a", 1)
        struct Refused: Error {}
        #expect(throws: Refused.self) { try map.update("a") { _ in throw Refused() } }
        #expect(map.peek("a") == 1)
    }
}

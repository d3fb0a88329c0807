import BeckonCore
import Testing

@Suite struct CreativeRendererTests {
    @Test func fillsPlaceholdersWithEscapedValues() {
        let html = "<p>Hi {{ name }}, call {{phone}} about {{visitor.topic}}{{missing}}.</p>"
        let filled = CreativeRenderer.fill(
            html, values: ["name": "<script>alert(1)</script>", "phone": "+1 555 0100", "visitor.topic": "A&B \"quotes\" 'x'"])
        #expect(
            filled
                == "<p>Hi &lt;script&gt;alert(1)&lt;/script&gt;, call +1 555 0100 about A&amp;B &quot;quotes&quot; &#39;x&#39;.</p>")
    }

    @Test func leavesWhatIsNotAPlaceholderAlone() {
        #expect(CreativeRenderer.fill("{{ not a name! }} {{", values: [:]) == "{{ not a name! }} {{")
        #expect(CreativeRenderer.fill("a {{x}} b {{x", values: ["x": "1"]) == "a 1 b {{x")
        #expect(CreativeRenderer.fill("no placeholders", values: ["x": "1"]) == "no placeholders")
    }
}

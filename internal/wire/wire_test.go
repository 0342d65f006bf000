package wire

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestInt(t *testing.T) {
	for in, want := range map[string]Int{`70`: 70, `70.0`: 70, `"70"`: 70, `" 70 "`: 70, `null`: 0, `""`: 0, `-3`: -3, `4294967295`: 4294967295} {
		var n Int
		if err := json.Unmarshal([]byte(in), &n); err != nil || n != want {
			t.Errorf("%s: got %d, %v; want %d", in, n, err, want)
		}
	}
	for _, in := range []string{`0.7`, `"0.7"`, `"high"`, `true`, `{}`, `[1]`, `4294967296`, `1e400`} {
		var n Int
		if err := json.Unmarshal([]byte(in), &n); err == nil {
			t.Errorf("%s: read as %d", in, n)
		}
	}
	if err := json.Unmarshal([]byte(`{}`), new(Int)); !errors.Is(err, ErrType) {
		t.Errorf("an object: %v, want ErrType", err)
	}
}

func TestText(t *testing.T) {
	for in, want := range map[string]Text{`"AS13335"`: "AS13335", `13335`: "13335", `null`: "", `true`: "true", `-1.5`: "-1.5"} {
		var s Text
		if err := json.Unmarshal([]byte(in), &s); err != nil || s != want {
			t.Errorf("%s: got %q, %v; want %q", in, s, err, want)
		}
	}
	for _, in := range []string{`{}`, `[]`} {
		if err := json.Unmarshal([]byte(in), new(Text)); err == nil {
			t.Errorf("%s read as text", in)
		}
	}
}

func TestNullText(t *testing.T) {
	for v, want := range map[NullText]string{"": `null`, "UptimeRobot": `"UptimeRobot"`} {
		if b, _ := json.Marshal(v); string(b) != want {
			t.Errorf("%q encodes as %s, want %s", v, b, want)
		}
	}
	var v NullText
	if err := json.Unmarshal([]byte(`null`), &v); err != nil || v != "" {
		t.Errorf("null: %q %v", v, err)
	}
}

func TestMillis(t *testing.T) {
	var m Millis
	if err := json.Unmarshal([]byte(`42.7`), &m); err != nil || m != 42.7 {
		t.Fatalf("%v %v", m, err)
	}
	if b, _ := json.Marshal(m); string(b) != `43` {
		t.Errorf("encodes as %s, want the documented int 43", b)
	}
	if err := json.Unmarshal([]byte(`"fast"`), &m); err == nil {
		t.Error("text read as milliseconds")
	}
}

func TestFlag(t *testing.T) {
	for in, want := range map[string]Flag{`true`: true, `false`: false, `null`: false, `""`: false, `"false"`: false,
		`"Invalid IP format"`: true, `1`: true, `0`: false} {
		var f Flag
		if err := json.Unmarshal([]byte(in), &f); err != nil || f != want {
			t.Errorf("%s: got %v, %v; want %v", in, f, err, want)
		}
	}
	if b, _ := json.Marshal(Flag(true)); string(b) != `true` {
		t.Errorf("encodes as %s", b)
	}
}

func TestRawText(t *testing.T) {
	for in, want := range map[string]RawText{
		`"plain"`: "plain",
		`null`:    "",
		`[{"loc":["body","ips"],"msg":"too many"}]`: `[{"loc":["body","ips"],"msg":"too many"}]`,
		`{"a": 1}`: `{"a":1}`,
	} {
		var r RawText
		if err := json.Unmarshal([]byte(in), &r); err != nil || r != want {
			t.Errorf("%s: got %q, %v; want %q", in, r, err, want)
		}
	}
}

func TestConfidenceLevels(t *testing.T) {
	for c, want := range map[int]string{100: "high", 75: "high", 74: "medium", 40: "medium", 39: "low", 0: "low"} {
		if got := ConfidenceLevel(c); got != want {
			t.Errorf("ConfidenceLevel(%d) = %s, want %s", c, got, want)
		}
	}
	for _, level := range []string{"high", "medium", "low"} {
		if got := ConfidenceLevel(LevelConfidence(level)); got != level {
			t.Errorf("%s does not round-trip: %s", level, got)
		}
	}
	if LevelConfidence("HIGH") != 90 || LevelConfidence("80") != 80 || LevelConfidence("sure") != 0 || LevelConfidence("101") != 0 {
		t.Error("LevelConfidence")
	}
}

func TestContinents(t *testing.T) {
	for in, want := range map[string]string{"Asia": "AS", "asia": "AS", "AS": "AS", "North America": "NA", "Australia": "OC", "Mars": ""} {
		if got := ContinentCode(in); got != want {
			t.Errorf("ContinentCode(%q) = %q, want %q", in, got, want)
		}
	}
	if ContinentName("EU") != "Europe" || ContinentName("XX") != "" {
		t.Error("ContinentName")
	}
}

package compattest

import (
	"strings"
	"testing"
)

// Every documented example passes its own table in Example mode: the
// tables were typed in right.
func TestExamplesMatchTheirTables(t *testing.T) {
	for _, e := range Examples {
		t.Run(e.File, func(t *testing.T) {
			for _, err := range Check(e.Body(), e.Paths, PresentOnly) {
				t.Error(err)
			}
		})
	}
}

// The checker catches each kind of violation.
func TestCheckFindsViolations(t *testing.T) {
	paths := []Path{
		{Path: "a", Type: Int, Min: 0, Max: 100, Doc: "t:1"},
		{Path: "b", Type: String, Enum: []string{"x", "y"}, Doc: "t:2"},
		{Path: "c", Type: String, Null: true, Doc: "t:3"},
		{Path: "d", Type: Object, Null: true, Doc: "t:4"},
		{Path: "d.e", Type: Bool, Doc: "t:5"},
		{Path: "l[].n", Type: Int, Doc: "t:6"},
		{Path: "t", Type: ISOTime, Doc: "t:7"},
	}
	ok := `{"a": 5, "b": "x", "c": null, "d": null, "l": [{"n": 1}, {"n": 2}], "t": "2026-05-25T14:00:00Z"}`
	if errs := Check([]byte(ok), paths, Strict); len(errs) != 0 {
		t.Fatalf("valid body: %v", errs)
	}
	for body, want := range map[string]string{
		`{"a": 0.7, "b": "x", "c": null, "d": null, "l": [], "t": "2026-05-25T14:00:00Z"}`:                   "a (int, t:1): 0.7 is not an integer",
		`{"a": 101, "b": "x", "c": null, "d": null, "l": [], "t": "2026-05-25T14:00:00Z"}`:                   "outside 0–100",
		`{"a": 1, "b": "z", "c": null, "d": null, "l": [], "t": "2026-05-25T14:00:00Z"}`:                     "not one of",
		`{"a": 1, "b": "x", "d": null, "l": [], "t": "2026-05-25T14:00:00Z"}`:                                "c (string, t:3): missing",
		`{"a": 1, "b": "x", "c": 3, "d": null, "l": [], "t": "2026-05-25T14:00:00Z"}`:                        "c (string, t:3): has JSON json.Number",
		`{"a": 1, "b": "x", "c": null, "d": {"e": "yes"}, "l": [], "t": "2026-05-25T14:00:00Z"}`:             "d.e (bool, t:5)",
		`{"a": 1, "b": "x", "c": null, "d": null, "l": [{"n": 1}, {"n": "2"}], "t": "2026-05-25T14:00:00Z"}`: "l[1].n",
		`{"a": 1, "b": "x", "c": null, "d": null, "l": [], "t": "yesterday"}`:                                "not an ISO 8601 time",
		`{"a": null, "b": "x", "c": null, "d": null, "l": [], "t": "2026-05-25T14:00:00Z"}`:                  "null, documented as never null",
	} {
		errs := Check([]byte(body), paths, Strict)
		if len(errs) != 1 || !strings.Contains(errs[0].Error(), want) {
			t.Errorf("%s: got %v, want one error with %q", body, errs, want)
		}
	}
	if errs := Check([]byte(`{"a": 1}`), paths[:1], PresentOnly); len(errs) != 0 {
		t.Errorf("PresentOnly mode: %v", errs)
	}
	if errs := Check([]byte(`{}`), paths, PresentOnly); len(errs) != 0 {
		t.Errorf("PresentOnly mode reports missing paths: %v", errs)
	}
}

func TestPreserved(t *testing.T) {
	orig := `{"a": 1, "b": {"c": [1, "x"], "d": null}}`
	if errs := Preserved([]byte(orig), []byte(`{"a": 1.0, "b": {"c": [1, "x"], "d": null, "e": 2}, "f": 3}`)); len(errs) != 0 {
		t.Errorf("additions or 1 vs 1.0 reported: %v", errs)
	}
	for got, want := range map[string]string{
		`{"a": 2, "b": {"c": [1, "x"], "d": null}}`: "a: 1 became 2",
		`{"a": 1, "b": {"c": [1], "d": null}}`:      "b.c: array changed",
		`{"a": 1, "b": {"c": [1, "x"]}}`:            "b.d: lost",
		`{"a": 1, "b": {"c": [1, "y"], "d": null}}`: "b.c[1]: x became y",
	} {
		errs := Preserved([]byte(orig), []byte(got))
		if len(errs) != 1 || errs[0].Error() != want {
			t.Errorf("%s: got %v, want %q", got, errs, want)
		}
	}
}

package wire

import (
	"bytes"
	"encoding/json"
)

// RawText is a JSON value that is usually a string but may be anything (a
// FastAPI validation error list, a details object). It decodes any JSON
// value without failing: a string is kept as its text, anything else as its
// compact JSON. It encodes as a JSON string.
type RawText string

// UnmarshalJSON implements json.Unmarshaler.
func (t *RawText) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = RawText(s)
		return nil
	}
	if bytes.Equal(b, []byte("null")) {
		*t = ""
		return nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return err
	}
	*t = RawText(buf.String())
	return nil
}

// MarshalJSON implements json.Marshaler.
func (t RawText) MarshalJSON() ([]byte, error) { return json.Marshal(string(t)) }

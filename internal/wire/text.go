package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The lenient scalar types below read what a provider plausibly sends for a
// documented field (null, a number where a string is documented, a numeric
// string where a number is documented) and refuse what cannot be read
// without guessing. Each encodes exactly as its field is documented.

// ErrType is returned (wrapped in *json.UnmarshalerError by encoding/json)
// for a value that cannot be read as its documented type.
var ErrType = errors.New("wire: value does not have the documented type")

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

// Text is a documented string. It also reads a number or a boolean as its
// JSON text and null as "".
type Text string

// UnmarshalJSON implements json.Unmarshaler.
func (t *Text) UnmarshalJSON(b []byte) error {
	s, err := readText(b)
	*t = Text(s)
	return err
}

// NullText is a documented "string | null": "" encodes as null.
type NullText string

// UnmarshalJSON implements json.Unmarshaler.
func (t *NullText) UnmarshalJSON(b []byte) error {
	s, err := readText(b)
	*t = NullText(s)
	return err
}

// MarshalJSON implements json.Marshaler.
func (t NullText) MarshalJSON() ([]byte, error) {
	if t == "" {
		return []byte("null"), nil
	}
	return json.Marshal(string(t))
}

func readText(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return "", ErrType
	case b[0] == '"':
		// encoding/json has checked the syntax before calling us: a
		// literal without escapes is its own text.
		if len(b) >= 2 && bytes.IndexByte(b, '\\') < 0 && utf8.Valid(b) {
			return string(b[1 : len(b)-1]), nil
		}
		var s string
		err := json.Unmarshal(b, &s)
		return s, err
	case string(b) == "null":
		return "", nil
	case string(b) == "true" || string(b) == "false" || b[0] == '-' || b[0] >= '0' && b[0] <= '9':
		return string(b), nil
	}
	return "", ErrType // an object or an array
}

// Int is a documented integer. It also reads an integral float (70.0), a
// string holding an integer ("70") and null (0). A fraction (0.7) is an
// error: read as 0–100 it would be a silently wrong value. Values are
// bounded to the 32-bit range (unsigned above zero, for AS numbers).
type Int int

// UnmarshalJSON implements json.Unmarshaler.
func (n *Int) UnmarshalJSON(b []byte) error {
	s, err := readText(b)
	if err != nil {
		return err
	}
	s = strings.TrimSpace(s)
	if s == "" {
		*n = 0
		return nil
	}
	if v, err := strconv.ParseInt(s, 10, 64); err == nil && v >= math.MinInt32 && v <= math.MaxUint32 {
		*n = Int(v)
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || f < math.MinInt32 || f > math.MaxUint32 {
		return ErrType
	}
	*n = Int(f)
	return nil
}

// Millis is a documented integer count of milliseconds. It reads a
// fraction too (42.7), which it keeps; it encodes rounded to an integer.
type Millis float64

// UnmarshalJSON implements json.Unmarshaler.
func (m *Millis) UnmarshalJSON(b []byte) error {
	s, err := readText(b)
	if err != nil {
		return err
	}
	if s = strings.TrimSpace(s); s == "" {
		*m = 0
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return ErrType
	}
	*m = Millis(f)
	return nil
}

// MarshalJSON implements json.Marshaler.
func (m Millis) MarshalJSON() ([]byte, error) {
	return strconv.AppendInt(nil, int64(math.Round(float64(m))), 10), nil
}

// Flag is a documented boolean flag. It also reads null (false) and a
// string: "", "false" and "0" are false, any other text (an error message
// where a flag is expected) is true.
type Flag bool

// UnmarshalJSON implements json.Unmarshaler.
func (f *Flag) UnmarshalJSON(b []byte) error {
	s, err := readText(b)
	if err != nil {
		return err
	}
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "false", "0", "null":
		*f = false
	default:
		*f = true
	}
	return nil
}

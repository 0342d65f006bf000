package serve

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Request bodies are read through http.MaxBytesReader (maxBody), so a body
// over the bound fails with *http.MaxBytesError, answered 413, and the
// connection is closed after the answer. A batch list is read one address
// at a time and refused at the first address over the batch limit, so a
// batch with too many addresses is a 422 whatever the size of the body:
// the 101st address is found long before maxBody is reached.

var (
	// errTooMany: a batch list holds more addresses than allowed.
	errTooMany = errors.New("serve: too many addresses in the batch")
	// errNotList: the batch field is not a JSON array of strings.
	errNotList = errors.New("serve: the addresses are not a JSON array")
)

// bodyTooLarge reports whether err is http.MaxBytesReader's.
func bodyTooLarge(err error) bool {
	var mb *http.MaxBytesError
	return errors.As(err, &mb)
}

// decodeBody reads one JSON value from a request body of at most maxBody
// bytes; trailing data is an error.
func decodeBody(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	if err := dec.Decode(v); err != nil {
		return err
	}
	return expectEOF(dec)
}

func expectEOF(dec *json.Decoder) error {
	if _, err := dec.Token(); err != io.EOF {
		if bodyTooLarge(err) {
			return err
		}
		return errTrailing
	}
	return nil
}

// errTrailing: a body holds more than one JSON value.
var errTrailing = errors.New("serve: trailing data after the JSON value")

// decodeList reads a body {"<field>": ["a", "b", …], …} (the field's name
// matched without regard to case, as encoding/json matches struct fields;
// other fields ignored) and returns the list; found is false when the body
// has no such field (a null body or field gives found and no addresses).
// It stops with errTooMany at the address after the max-th one, without
// reading the rest of the body. Other errors: errNotList, a JSON syntax
// error, errTrailing, or the body's *http.MaxBytesError.
func decodeList(r *http.Request, field string, max int) (list []string, found bool, err error) {
	dec := json.NewDecoder(r.Body)
	tok, err := dec.Token()
	if err != nil {
		return nil, false, err
	}
	if tok == nil { // a null body
		return nil, false, expectEOF(dec)
	}
	if tok != json.Delim('{') {
		return nil, false, errNotObject
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false, err
		}
		name, _ := tok.(string)
		if !strings.EqualFold(name, field) {
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return nil, false, err
			}
			continue
		}
		// A repeated field replaces the earlier one, as with
		// encoding/json.
		found = true
		if list, err = decodeArray(dec, max); err != nil {
			return nil, true, err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, found, err
	}
	return list, found, expectEOF(dec)
}

// errNotObject: the body is not a JSON object.
var errNotObject = errors.New("serve: the body is not a JSON object")

// decodeArray reads a JSON array of strings (or null) of at most max
// elements.
func decodeArray(dec *json.Decoder, max int) ([]string, error) {
	tok, err := dec.Token()
	switch {
	case err != nil:
		return nil, err
	case tok == nil:
		return nil, nil
	case tok != json.Delim('['):
		return nil, errNotList
	}
	var list []string
	for dec.More() {
		if len(list) == max {
			return nil, fmt.Errorf("%w: more than %d", errTooMany, max)
		}
		var s string
		if err := dec.Decode(&s); err != nil {
			if bodyTooLarge(err) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %w", errNotList, err)
		}
		list = append(list, s)
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return nil, err
	}
	return list, nil
}

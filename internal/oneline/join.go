// Package oneline joins errors as errors.Join does, for errors.Is and
// errors.As, but with a message on one line, as every message of the
// library is: "3 errors: first; second; third".
package oneline

import (
	"strconv"
	"strings"
)

// Join returns an error that wraps the errors in errs that are not nil,
// or nil if there are none. A single error is returned as it is.
//
// The joined error's Unwrap returns the errors, so errors.Is and
// errors.As look through each in turn. An error Join returned, when passed
// to Join again, adds its errors rather than itself: the result stays flat
// and its count is of the errors joined. Its message is the count and the
// errors' messages, separated by "; ", each with any line breaks replaced
// by spaces.
func Join(errs ...error) error {
	var out []error
	for _, err := range errs {
		switch e := err.(type) {
		case nil:
		case *joined:
			out = append(out, e.errs...)
		default:
			out = append(out, err)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return &joined{errs: out}
}

type joined struct {
	errs []error // two or more, none nil or *joined
}

func (j *joined) Error() string {
	var b strings.Builder
	b.WriteString(strconv.Itoa(len(j.errs)))
	b.WriteString(" errors: ")
	for i, err := range j.errs {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(oneLine(err.Error()))
	}
	return b.String()
}

func (j *joined) Unwrap() []error { return j.errs }

// oneLine returns s with its line breaks, and the blanks around them,
// replaced by a single space.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	lines := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' })
	kept := lines[:0]
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, " ")
}

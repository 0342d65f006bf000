package batch

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// FuzzReadRows feeds any bytes to the line and CSV readers: they never
// panic, and every row they yield is one the input holds.
func FuzzReadRows(f *testing.F) {
	for _, s := range []string{
		"45.130.202.105\n\n# comment\nbad\n 8.8.8.8 \r\n",
		"user,client_ip\nbob,185.220.101.1\nal,\"1.1.1.1\"\nshort\n",
		"\ufeffip,x\n1.1.1.1,\"a\nb\"\n",
		"a,\"unterminated\n",
		"\"\"\"\n,,,\n",
		strings.Repeat("x", 70000) + "\n1.1.1.1\n",
	} {
		for mode := range uint8(4) {
			f.Add([]byte(s), mode)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte, mode uint8) {
		column, header := []string{"", "client_ip", "2", "1"}[mode%4], mode%4 == 3
		rd, err := newReader(column, header)
		if err != nil {
			t.Fatal(err)
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		n := 0
		for r, err := range rd.rows(bytes.NewReader(data), io.Discard) {
			if err != nil {
				break
			}
			n++
			if column == "" {
				if r.addr == "" || r.addr != strings.TrimSpace(r.addr) || strings.HasPrefix(r.addr, "#") || r.fields != nil {
					t.Fatalf("line row %+v", r)
				}
				if !bytes.Contains(data, []byte(r.addr)) {
					t.Fatalf("row %q is not in the input", r.addr)
				}
				continue
			}
			if r.fields == nil {
				t.Fatalf("CSV row without fields: %+v", r)
			}
			if r.addr != "" && !containsField(r.fields, r.addr) {
				t.Fatalf("address %q is not one of the row's fields %q", r.addr, r.fields)
			}
		}
		if n > lines {
			t.Fatalf("%d rows from %d lines", n, lines)
		}
	})
}

func containsField(fields []string, s string) bool {
	for _, f := range fields {
		if f == s {
			return true
		}
	}
	return false
}

// FuzzParseLine: a line is skipped or yields its trimmed text.
func FuzzParseLine(f *testing.F) {
	for _, s := range []string{"1.1.1.1", "  # c", "", "\ufeff1.1.1.1\r", "\t::1\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		addr, ok := parseLine(line)
		if !ok {
			return
		}
		if addr == "" || addr != strings.TrimSpace(addr) || strings.HasPrefix(addr, "#") || !strings.Contains(line, addr) {
			t.Fatalf("%q -> %q", line, addr)
		}
	})
}

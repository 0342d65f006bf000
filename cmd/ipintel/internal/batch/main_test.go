package batch

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

func noEnv(string) string { return "" }

func jsonLines(t *testing.T, out *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	return lines
}

func TestBatchJSONLines(t *testing.T) {
	in := "45.130.202.105\n\n# a comment\nbad\n8.8.8.8\n10.0.0.1\n 45.130.202.105 \n"
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-offline"}, noEnv, strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	lines := jsonLines(t, &out)
	if len(lines) != 5 {
		t.Fatalf("%d output lines, want 5 (blank and comment lines skipped)", len(lines))
	}
	for i, want := range []string{"45.130.202.105", "bad", "8.8.8.8", "10.0.0.1", "45.130.202.105"} {
		if lines[i]["input"] != want {
			t.Errorf("line %d: input %v, want %q", i, lines[i]["input"], want)
		}
	}
	if !strings.Contains(lines[1]["error"].(string), "invalid IP") {
		t.Errorf("bad line: %v", lines[1])
	}
	if q := lines[4]["query"].(map[string]any); q["ip"] != "45.130.202.105" {
		t.Errorf("order lost: %v", lines[4])
	}
	// Duplicates are separate requests.
	if lines[0]["query"].(map[string]any)["request_id"] == lines[4]["query"].(map[string]any)["request_id"] {
		t.Errorf("two inputs share a request_id: %v", lines[0]["query"])
	}
	if !strings.Contains(errOut.String(), "5 lines") || !strings.Contains(errOut.String(), "2 invalid") {
		t.Errorf("summary: %s", errOut.String())
	}
}

func csvRows(t *testing.T, out *bytes.Buffer) ([][]string, func(string) int) {
	t.Helper()
	cr := csv.NewReader(out)
	cr.FieldsPerRecord = -1
	rows, err := cr.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := func(name string) int {
		for i, h := range rows[0] {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s in %v", name, rows[0])
		return -1
	}
	return rows, col
}

func TestBatchCSVColumnKeepsTheRow(t *testing.T) {
	in := "user,client_ip,when\nbob,185.220.101.1,now\nal,\"1.1.1.1\",later\neve,nonsense,never\nshort\nlong,1.1.1.1,x,extra\n"
	var out, errOut bytes.Buffer
	args := []string{"-offline", "-sample", "-column", "client_ip", "-format", "csv"}
	if err := run(context.Background(), args, noEnv, strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	rows, col := csvRows(t, &out)
	if len(rows) != 6 || strings.Join(rows[0][:4], ",") != "user,client_ip,when,ip" {
		t.Fatalf("rows: %v", rows)
	}
	if strings.Join(rows[1][:3], ",") != "bob,185.220.101.1,now" || strings.Join(rows[2][:3], ",") != "al,1.1.1.1,later" {
		t.Errorf("input columns not kept: %v / %v", rows[1], rows[2])
	}
	if rows[1][col("is_tor")] != "true" || rows[1][col("recommendation")] != "block" || rows[1][col("reasons")] != "TOR_EXIT" {
		t.Errorf("tor row: %v", rows[1])
	}
	if rows[2][col("asn")] != "AS13335" {
		t.Errorf("cloudflare row: %v", rows[2])
	}
	if rows[3][col("error")] == "" || rows[4][col("error")] == "" {
		t.Errorf("invalid rows have no error: %v / %v", rows[3], rows[4])
	}
	if !strings.Contains(rows[5][col("error")], "extra ones are not copied") || rows[5][col("asn")] != "AS13335" {
		t.Errorf("long row: %v", rows[5])
	}
	for _, r := range rows {
		if len(r) != len(rows[0]) {
			t.Errorf("ragged output row %v", r)
		}
	}

	// JSON lines carry the row, keyed by the header.
	out.Reset()
	if err := run(context.Background(), []string{"-offline", "-column", "client_ip"}, noEnv, strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	lines := jsonLines(t, &out)
	if row, _ := lines[0]["row"].(map[string]any); lines[0]["input"] != "185.220.101.1" || row["user"] != "bob" || row["when"] != "now" {
		t.Errorf("JSON line: %v", lines[0])
	}
}

func TestBatchNumericColumn(t *testing.T) {
	var out, errOut bytes.Buffer
	// Without -header the first row is data.
	if err := run(context.Background(), []string{"-offline", "-sample", "-column", "1", "-format", "csv"}, noEnv, strings.NewReader("185.220.101.1,x\n1.1.1.1,y\n"), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	rows, col := csvRows(t, &out)
	if len(rows) != 3 || strings.Join(rows[0][:3], ",") != "column_1,column_2,ip" || rows[1][col("is_tor")] != "true" || rows[2][1] != "y" {
		t.Errorf("-column 1 output: %v", rows)
	}
	// With -header the first row is the header, not an invalid address.
	out.Reset()
	errOut.Reset()
	in := "ip,who\n185.220.101.1,x\n"
	if err := run(context.Background(), []string{"-offline", "-column", "1", "-header", "-format", "csv"}, noEnv, strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	rows, col = csvRows(t, &out)
	if len(rows) != 2 || rows[0][0] != "ip" || rows[0][1] != "who" || rows[1][col("error")] != "" {
		t.Errorf("-header output: %v", rows)
	}
	// Forgetting -header: the header row is reported, and a hint given.
	out.Reset()
	errOut.Reset()
	if err := run(context.Background(), []string{"-offline", "-column", "1"}, noEnv, strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errOut.String(), "pass -header") {
		t.Errorf("no hint: %s", errOut.String())
	}
	for _, bad := range [][]string{{"-offline", "-column", "0"}, {"-offline", "-column", "missing"}, {"-offline", "-header"}} {
		if err := run(context.Background(), bad, noEnv, strings.NewReader("a,b\n"), &out, &errOut); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestBatchStreamsManyLines(t *testing.T) {
	var in strings.Builder
	const n = 20_000
	for i := range n {
		fmt.Fprintf(&in, "45.%d.%d.%d\n", i>>16&255, i>>8&255, i&255)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-offline", "-format", "csv"}, noEnv, strings.NewReader(in.String()), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), "\n"); got != n+1 {
		t.Fatalf("%d CSV lines, want %d", got, n+1)
	}
	if !strings.Contains(errOut.String(), fmt.Sprintf("%d lines", n)) {
		t.Errorf("summary: %s", errOut.String())
	}
}

// An input column named like an answer column ("ip", "asn") keeps its name;
// the answer's column is prefixed, so the header has no duplicate.
func TestBatchCSVHeaderNoDuplicates(t *testing.T) {
	in := "user,ip,asn\nbob,1.1.1.1,mine\n"
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-offline", "-column", "ip", "-header", "-format", "csv"}, noEnv, strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	rows, col := csvRows(t, &out)
	seen := map[string]bool{}
	for _, name := range rows[0] {
		if seen[name] {
			t.Errorf("column %q twice in header %v", name, rows[0])
		}
		seen[name] = true
	}
	if rows[1][col("asn")] != "mine" || rows[1][col("ipintel_asn")] != "AS13335" || rows[1][col("ipintel_ip")] != "1.1.1.1" {
		t.Errorf("row %v under header %v", rows[1], rows[0])
	}
}

package main

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

func TestBatchJSONLines(t *testing.T) {
	in := "45.130.202.105\n\n# a comment\nbad\n8.8.8.8\n10.0.0.1\n45.130.202.105\n"
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"-sample"}, noEnv, strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	var lines []map[string]any
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, m)
	}
	if len(lines) != 5 {
		t.Fatalf("%d output lines, want 5 (blank and comment lines skipped)", len(lines))
	}
	if lines[1]["input"] != "bad" || !strings.Contains(lines[1]["error"].(string), "invalid IP") {
		t.Errorf("bad line: %v", lines[1])
	}
	if q := lines[4]["query"].(map[string]any); q["ip"] != "45.130.202.105" {
		t.Errorf("order lost: %v", lines[4])
	}
	if !strings.Contains(errOut.String(), "5 lines") || !strings.Contains(errOut.String(), "2 invalid") {
		t.Errorf("summary: %s", errOut.String())
	}
}

func TestBatchCSVColumn(t *testing.T) {
	in := "user,client_ip,when\nbob,185.220.101.1,now\nal,\"1.1.1.1\",later\neve,nonsense,never\n"
	var out, errOut bytes.Buffer
	args := []string{"-sample", "-column", "client_ip", "-format", "csv"}
	if err := run(context.Background(), args, noEnv, strings.NewReader(in), &out, &errOut); err != nil {
		t.Fatalf("%v: %s", err, errOut.String())
	}
	rows, err := csv.NewReader(&out).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || rows[0][0] != "input" {
		t.Fatalf("rows: %v", rows)
	}
	col := func(name string) int {
		for i, h := range rows[0] {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %s", name)
		return -1
	}
	if rows[1][col("is_tor")] != "true" || rows[1][col("recommendation")] != "block" || rows[1][col("reasons")] != "TOR_EXIT" {
		t.Errorf("tor row: %v", rows[1])
	}
	if rows[2][col("asn")] != "AS13335" {
		t.Errorf("cloudflare row: %v", rows[2])
	}
	if rows[3][col("error")] == "" {
		t.Errorf("invalid row has no error: %v", rows[3])
	}
	// The same by column number (1-based).
	out.Reset()
	if err := run(context.Background(), []string{"-sample", "-column", "1", "-format", "csv"}, noEnv, strings.NewReader("185.220.101.1,x\n"), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "185.220.101.1,185.220.101.1,true") {
		t.Errorf("-column 2 output: %s", out.String())
	}
	for _, bad := range []string{"0", "missing"} {
		if err := run(context.Background(), []string{"-column", bad}, noEnv, strings.NewReader(in), &out, &errOut); err == nil {
			t.Errorf("-column %s accepted", bad)
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
	if err := run(context.Background(), []string{"-sample", "-format", "csv"}, noEnv, strings.NewReader(in.String()), &out, &errOut); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), "\n"); got != n+1 {
		t.Fatalf("%d CSV lines, want %d", got, n+1)
	}
	if !strings.Contains(errOut.String(), fmt.Sprintf("%d lines", n)) {
		t.Errorf("summary: %s", errOut.String())
	}
}

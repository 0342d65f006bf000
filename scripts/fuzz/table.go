//go:build unix

package main

import (
	"fmt"
	"strings"
	"time"
)

// formatTable renders the results as a Markdown table, ready for an issue
// note.
func formatTable(rs []result) string {
	var b strings.Builder
	b.WriteString("| target | fuzzed | execs | new interesting | kept | findings |\n")
	b.WriteString("| --- | --- | ---: | ---: | ---: | --- |\n")
	for _, r := range rs {
		kept := fmt.Sprint(r.kept)
		if r.realdata {
			kept = "none (real-data seeds)"
		}
		fmt.Fprintf(&b, "| %s | %v | %d | %d | %s | %s |\n", r.target, r.elapsed.Round(time.Second),
			r.execs, r.interesting, kept, strings.ReplaceAll(r.findings(), "|", `\|`))
	}
	return b.String()
}

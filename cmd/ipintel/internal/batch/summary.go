package batch

import (
	"fmt"
	"io"
	"time"

	"github.com/ipintel/ipintel"
)

// summary counts what the run saw.
type summary struct {
	total, invalid, found, notFound int
	byRec                           map[ipintel.Recommendation]int
}

func (s *summary) add(r *ipintel.Result, err error) {
	s.total++
	switch {
	case err != nil || r == nil:
		s.invalid++
		return
	case r.Meta.Found:
		s.found++
	default:
		s.notFound++
	}
	if s.byRec == nil {
		s.byRec = map[ipintel.Recommendation]int{}
	}
	s.byRec[r.Risk.Recommendation]++
}

func (s *summary) print(w io.Writer, elapsed time.Duration, interrupted bool) {
	rate := float64(s.total) / max(elapsed.Seconds(), 1e-9)
	note := ""
	if interrupted {
		note = " (interrupted: the lines answered so far are written)"
	}
	fmt.Fprintf(w, "%d lines in %v (%.0f/s): %d found, %d not found, %d invalid; allow %d, verify %d, block %d%s\n",
		s.total, elapsed.Round(time.Millisecond), rate, s.found, s.notFound, s.invalid,
		s.byRec[ipintel.Allow], s.byRec[ipintel.Verify], s.byRec[ipintel.Block], note)
}

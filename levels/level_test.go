package levels_test

import (
	"errors"
	"testing"

	"github.com/csam-go/csam/levels"
)

func TestParseLevel(t *testing.T) {
	tests := []struct {
		in      string
		want    levels.Level
		wantErr bool
	}{
		{"none", levels.None, false},
		{"column1", levels.Column1, false},
		{"Column 2", levels.Column2, false},
		{"3", levels.Column3, false},
		{"column4", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := levels.ParseLevel(tt.in)
			if tt.wantErr {
				var pe *levels.ParseError
				if !errors.As(err, &pe) || pe.Kind != "level" || pe.Input != tt.in {
					t.Fatalf("ParseLevel(%q) error = %v, want *ParseError of kind level", tt.in, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseLevel(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if back, err := levels.ParseLevel(got.String()); err != nil || back != got {
				t.Fatalf("round trip of %v gave %v, %v", got, back, err)
			}
		})
	}
}

func TestSuffices(t *testing.T) {
	all := []levels.Level{levels.None, levels.Column1, levels.Column2, levels.Column3}
	for _, have := range all {
		for _, req := range all {
			if got, want := have.Suffices(req), have >= req; got != want {
				t.Errorf("%v.Suffices(%v) = %v, want %v", have, req, got, want)
			}
		}
	}
	if levels.Level(9).Suffices(levels.None) {
		t.Error("an invalid level must never suffice")
	}
}

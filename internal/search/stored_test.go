package search

import (
	"context"
	"math"
)

// storedDocs reads every live document back from the index, in ID order.
func (x *Index) storedDocs(ctx context.Context) ([]Document, error) {
	adv, err := x.bleve.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	ids, err := liveIDs(r)
	if err != nil {
		return nil, err
	}
	out := make([]Document, 0, len(ids))
	for _, id := range ids {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		d, err := storedDoc(r, id.external)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}

// decodeImpact is the impact × Scale an encoded one stands for.
func decodeImpact(v int) float64 {
	return math.Expm1(float64(v) * impactStep)
}

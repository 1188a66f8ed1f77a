package syncproto

// AppendJSON appends the JSON encoding of the push response to b: the
// same bytes as encoding/json, without reflection (an answer carries a
// result for each of up to a thousand changes).
func (r *PushResponse) AppendJSON(b []byte) []byte {
	b = append(b, `{"results":`...)
	if r.Results == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i := range r.Results {
			if i > 0 {
				b = append(b, ',')
			}
			b = r.Results[i].appendJSON(b)
		}
		b = append(b, ']')
	}
	b = append(b, `,"server_hlc":`...)
	b = AppendString(b, r.ServerHLC)
	return append(b, '}')
}

func (p *PushResult) appendJSON(b []byte) []byte {
	b = append(b, `{"op_id":`...)
	b = AppendString(b, p.OpID)
	b = append(b, `,"status":`...)
	b = AppendString(b, p.Status)
	if e := p.Error; e != nil {
		b = append(b, `,"error":{"code":`...)
		b = AppendString(b, e.Code)
		b = append(b, `,"message":`...)
		b = AppendString(b, e.Message)
		if e.Field != "" {
			b = append(b, `,"field":`...)
			b = AppendString(b, e.Field)
		}
		b = append(b, '}')
	}
	if len(p.Conflicts) > 0 {
		b = append(b, `,"conflicts":[`...)
		for i, c := range p.Conflicts {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '{')
			if c.Field != "" {
				b = append(b, `"field":`...)
				b = AppendString(b, c.Field)
				b = append(b, ',')
			}
			b = append(b, `"conflict_id":`...)
			b = AppendString(b, c.ConflictID)
			b = append(b, `,"kind":`...)
			b = AppendString(b, c.Kind)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	if len(p.Superseded) > 0 {
		b = append(b, `,"superseded":[`...)
		for i, f := range p.Superseded {
			if i > 0 {
				b = append(b, ',')
			}
			b = AppendString(b, f)
		}
		b = append(b, ']')
	}
	if p.Restamped != "" {
		b = append(b, `,"restamped":`...)
		b = AppendString(b, p.Restamped)
	}
	return append(b, '}')
}

package sqlite

import "urcsync/syncproto"

// claimOps writes, before anything is applied, the op rows of the push's
// changes planned as creates, as plain applied answers: the insert that
// must happen anyway also tells, through the op_id key, that none of them
// was seen before, so they need not be read. When some was (a re-send),
// the claim is undone and every op is read and written as usual.
func claimOps(tx *wtx, preps []prepared) error {
	var claim []newOp
	for i := range preps {
		if pc := &preps[i]; pc.fresh != nil {
			claim = append(claim, newOp{id: pc.opID, storedOp: storedOp{hash: pc.hash}})
		}
	}
	if len(claim) == 0 {
		return nil
	}
	if _, err := tx.Exec(`SAVEPOINT claim`); err != nil {
		return err
	}
	written, err := insertOps(tx, claim, true)
	if err != nil {
		return err
	}
	if written != len(claim) {
		if _, err := tx.Exec(`ROLLBACK TO claim`); err != nil {
			return err
		}
	} else {
		for i := range preps {
			if preps[i].fresh != nil {
				preps[i].claimed = true
			}
		}
	}
	_, err = tx.Exec(`RELEASE claim`)
	return err
}

// settleClaim brings a claimed op row in line with the answer the
// general path gave its change: kept with its answer when that says more
// than applied, gone when the change was refused.
func (a *applier) settleClaim(pc *prepared, res *syncproto.PushResult, kept string) error {
	var err error
	switch {
	case res.Status == syncproto.StatusRejected:
		_, err = a.tx.Exec(`DELETE FROM ops WHERE op_id = ?`, pc.opID)
	case kept != "":
		_, err = a.tx.Exec(`UPDATE ops SET result = ? WHERE op_id = ?`, kept, pc.opID)
	}
	return err
}

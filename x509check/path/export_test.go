package path

// Subject returns the subject name in RFC 4514 form, for the external
// tests.
func (c *Certificate) Subject() string { return c.subjectString() }

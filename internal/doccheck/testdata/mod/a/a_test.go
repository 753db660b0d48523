package a

// ExampleT shows [T.M]; [T.Gone] is stale.
func ExampleT() {}

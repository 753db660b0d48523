package a

func ExampleT() {}

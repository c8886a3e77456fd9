// Package main: the process's exit cancels what main derives.
package main

import (
	"context"
	"fmt"
	"time"
)

func main() {
	ctx, _ := context.WithTimeout(context.Background(), time.Minute)
	<-ctx.Done()
	fmt.Println("done")
}

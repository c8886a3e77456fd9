module example.com/fixcheck/waitgroup-done-skipped

go 1.22

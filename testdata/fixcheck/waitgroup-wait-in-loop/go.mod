module example.com/fixcheck/waitgroup-wait-in-loop

go 1.22

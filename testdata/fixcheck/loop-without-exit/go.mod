module example.com/fixcheck/loop-without-exit

go 1.22

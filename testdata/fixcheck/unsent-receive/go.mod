module example.com/fixcheck/unsent-receive

go 1.22

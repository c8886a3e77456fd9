module example.com/fixcheck/blocked-forever

go 1.22

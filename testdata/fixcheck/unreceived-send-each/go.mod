module example.com/fixcheck/unreceived-send-each

go 1.22

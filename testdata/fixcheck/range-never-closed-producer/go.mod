module example.com/fixcheck/range-never-closed-producer

go 1.22

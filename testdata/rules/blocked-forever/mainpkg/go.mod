module example.com/fixtures/blockedforevermain

go 1.22
